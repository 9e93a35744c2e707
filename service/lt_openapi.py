"""OpenAPI description of LanguageTool's endpoints (/v2/*), merged into /openapi.json."""
from .compiler import CATEGORIES
from .lt_format import ENGLISH


def _names(description):
    return {"type": "string", "description": "comma-separated " + description}


def _text_error(description):
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string", "pattern": "^Error: "}}},
            "headers": {"X-Impartial-Error": {"description": "the error code, as in Impartial's JSON errors",
                                              "schema": {"type": "string"}}}}


SCHEMAS = {
    "LTCheckRequest": {
        "type": "object",
        "required": ["language"],
        "oneOf": [{"required": ["text"], "not": {"required": ["data"]}},
                  {"required": ["data"], "not": {"required": ["text"]}}],
        "description": "LanguageTool's check parameters; exactly one of text and data. Unknown parameters are ignored. "
                       "As in LanguageTool: preferredVariants needs language=auto; enabledOnly=true needs enabledRules "
                       "or enabledCategories and no disabled ones.",
        "properties": {
            "text": {"type": "string", "description": "the draft; at most IMPARTIAL_MAX_CHARS characters"},
            "data": {"type": "string", "description": 'JSON: {"text": "..."} or {"annotation": [{"text": "..."}, '
                                                      '{"markup": "<b>", "interpretAs": ""}]}; markup is skipped, '
                                                      'offsets count it'},
            "language": {"type": "string", "enum": ["auto", *sorted(ENGLISH)], "description": "English only"},
            "motherTongue": {"type": "string", "pattern": "^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$",
                             "description": "accepted and ignored"},
            "preferredVariants": _names("variants, with language=auto: the English one is used"),
            "enabledRules": _names("Impartial rule ids; with enabledOnly=true, only these"),
            "disabledRules": _names("Impartial rule ids whose matches are left out"),
            "enabledCategories": _names("categories; with enabledOnly=true, only these"),
            "disabledCategories": _names("categories whose matches are left out"),
            "enabledOnly": {"type": "string", "enum": ["true", "false", "yes", "no"]},
            "level": {"type": "string", "enum": ["default", "picky"], "description": "accepted; changes nothing"},
            "profile": {"type": "string", "description": "Impartial: a profile from GET /v1/rules"},
            "electionPeriod": {"type": "string", "enum": ["true", "false", "yes", "no"],
                               "description": "Impartial: the election-period context"},
            "account": {"type": "string", "enum": ["personal", "official"], "description": "Impartial: the account"},
        },
    },
    "LTSoftware": {
        "type": "object",
        "required": ["name", "version", "buildDate", "apiVersion", "premium", "status"],
        "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "buildDate": {"type": "string"},
                       "apiVersion": {"type": "integer"}, "premium": {"type": "boolean"},
                       "status": {"type": "string"}, "rulesVersion": {"type": "string"}},
    },
    "LTMatch": {
        "type": "object",
        "required": ["message", "shortMessage", "replacements", "offset", "length", "context", "sentence", "type",
                     "rule"],
        "properties": {
            "message": {"type": "string"},
            "shortMessage": {"type": "string"},
            "replacements": {"type": "array", "items": {"type": "object", "required": ["value"],
                                                         "properties": {"value": {"type": "string"}}}},
            "offset": {"type": "integer", "minimum": 0, "description": "UTF-16 code units, markup counted"},
            "length": {"type": "integer", "minimum": 0, "description": "UTF-16 code units"},
            "context": {"type": "object", "required": ["text", "offset", "length"],
                        "properties": {"text": {"type": "string"}, "offset": {"type": "integer"},
                                       "length": {"type": "integer"}}},
            "sentence": {"type": "string"},
            "type": {"type": "object", "required": ["typeName"],
                     "properties": {"typeName": {"type": "string", "enum": ["Hint", "Other"]}}},
            "rule": {
                "type": "object",
                "required": ["id", "description", "issueType", "category"],
                "properties": {
                    "id": {"type": "string", "description": "Impartial's rule id"},
                    "description": {"type": "string"},
                    "issueType": {"type": "string", "enum": ["style", "legal"]},
                    "urls": {"type": "array", "items": {"type": "object", "required": ["value"],
                                                        "properties": {"value": {"type": "string", "format": "uri"}}}},
                    "category": {"type": "object", "required": ["id", "name"],
                                 "properties": {"id": {"type": "string", "enum": list(CATEGORIES)},
                                                "name": {"type": "string"}}},
                },
            },
        },
    },
    "LTCheckResponse": {
        "type": "object",
        "required": ["software", "warnings", "language", "matches"],
        "properties": {
            "software": {"$ref": "#/components/schemas/LTSoftware"},
            "warnings": {"type": "object", "properties": {"incompleteResults": {"type": "boolean"}}},
            "language": {
                "type": "object", "required": ["name", "code", "detectedLanguage"],
                "properties": {"name": {"type": "string"}, "code": {"type": "string"},
                               "detectedLanguage": {"type": "object", "required": ["name", "code", "confidence"]}},
            },
            "matches": {"type": "array", "items": {"$ref": "#/components/schemas/LTMatch"}},
        },
    },
    "LTLanguages": {
        "type": "array",
        "items": {"type": "object", "required": ["name", "code", "longCode"],
                  "properties": {"name": {"type": "string"}, "code": {"type": "string"},
                                 "longCode": {"type": "string"}}},
    },
    "LTInfo": {"type": "object", "required": ["software"],
               "properties": {"software": {"$ref": "#/components/schemas/LTSoftware"}}},
}

_FORM = {"schema": {"$ref": "#/components/schemas/LTCheckRequest"}}

PATHS = {
    "/v2/check": {"post": {
        "operationId": "languageToolCheck",
        "summary": "LanguageTool's check: Impartial's findings as LanguageTool matches",
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": _FORM,
                                                      "multipart/form-data": _FORM}},
        "responses": {
            "200": {"description": "the matches",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LTCheckResponse"}}}},
            "400": _text_error("a missing or invalid parameter, a language other than English, or parameters in the URL"),
            "413": _text_error("text longer than IMPARTIAL_MAX_CHARS, or body too large"),
            "415": _text_error("body neither form-encoded nor multipart"),
        },
    }},
    "/v2/languages": {"get": {
        "operationId": "languageToolLanguages",
        "summary": "The English variants served",
        "responses": {"200": {"description": "the languages",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LTLanguages"}}}}},
    }},
    "/v2/info": {"get": {
        "operationId": "languageToolInfo",
        "summary": "The software answering, and its rules version",
        "responses": {"200": {"description": "software",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LTInfo"}}}}},
    }},
}
