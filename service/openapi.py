"""OpenAPI 3.1 description of every endpoint. Tests check real responses against it."""
import json

from . import lt_openapi
from .compiler import CATEGORIES

LEVELS = ["none", "low", "medium", "high"]
SEVERITIES = ["low", "medium", "high"]


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(ref, description):
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


SCHEMAS = {
    "ScoreRequest": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "description": "the draft; at most IMPARTIAL_MAX_CHARS characters"},
            "profile": {"type": "string", "description": "a profile from GET /v1/rules; default IMPARTIAL_PROFILE"},
            "context": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "election_period": {"type": "boolean"},
                    "account": {"type": "string", "enum": ["personal", "official"]},
                    "site": {"type": "string"},
                },
            },
        },
    },
    "Guidance": {
        "type": "object",
        "required": ["title", "url"],
        "properties": {"title": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    },
    "Finding": {
        "type": "object",
        "required": ["rule", "category", "severity", "start", "end", "match", "message", "suggestion", "guidance"],
        "properties": {
            "rule": {"type": "string"},
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "severity": {"type": "string", "enum": SEVERITIES},
            "start": {"type": "integer", "minimum": 0, "description": "UTF-16 code units"},
            "end": {"type": "integer", "minimum": 0, "description": "UTF-16 code units, exclusive"},
            "match": {"type": "string"},
            "message": {"type": "string"},
            "suggestion": {"type": ["string", "null"]},
            "guidance": {"$ref": "#/components/schemas/Guidance"},
            "weight": {"type": "integer", "minimum": 0, "maximum": 100,
                       "description": "points this finding adds to the score"},
            "source": {"type": "string", "enum": ["rule", "model"]},
            "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                           "description": "the model's probability that the text should warn (model findings, "
                                          "and rule findings the model confirmed)"},
            "evidence": {"type": "array", "description": "the words that weighed most with the model",
                         "items": {"type": "object", "required": ["start", "end", "match"],
                                   "properties": {"start": {"type": "integer", "minimum": 0},
                                                  "end": {"type": "integer", "minimum": 0},
                                                  "match": {"type": "string"}}}},
        },
    },
    "ScoreResponse": {
        "type": "object",
        "required": ["score", "level", "warn", "findings", "sentiment", "profile", "rules_version"],
        "properties": {
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "level": {"type": "string", "enum": LEVELS},
            "warn": {"type": "boolean"},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "sentiment": {
                "type": "object",
                "required": ["polarity", "subjectivity"],
                "properties": {
                    "polarity": {"type": "number", "minimum": -1, "maximum": 1},
                    "subjectivity": {"type": "number", "minimum": 0, "maximum": 1},
                },
            },
            "profile": {"type": "string"},
            "rules_version": {"type": "string"},
        },
    },
    "Rules": {
        "type": "object",
        "required": ["version", "profiles", "categories", "rules", "default_profile"],
        "properties": {
            "version": {"type": "string"},
            "default_profile": {"type": "string"},
            "profiles": {"type": "array", "items": {"type": "string"}},
            "categories": {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}},
            "rules": {"type": "array", "items": {"type": "object", "required": ["id", "type", "category", "severity"]}},
            "lexicons": {"type": "object"},
            "profile_details": {"type": "object"},
            "contexts": {"type": "object"},
            "scoring": {"type": "object"},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "rules_version"],
        "properties": {"status": {"type": "string", "enum": ["ok"]}, "rules_version": {"type": "string"}},
    },
    "Reload": {
        "type": "object",
        "required": ["rules_version", "previous_version", "rules", "propagation_seconds"],
        "properties": {
            "rules_version": {"type": "string"},
            "previous_version": {"type": "string"},
            "rules": {"type": "integer", "minimum": 0},
            "propagation_seconds": {"type": "number", "minimum": 0,
                                    "description": "0: every worker serves the new rules before this response"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": {"type": "string"},
                    "problems": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["file", "rule", "message"],
                            "properties": {"file": {"type": "string"}, "rule": {"type": ["string", "null"]},
                                           "message": {"type": "string"}},
                        },
                    },
                    "rules_version": {"type": "string"},
                },
            }
        },
    },
}


def spec(server_url="/", profiles=None, max_chars=20000):
    """The OpenAPI document, with a server URL (relative by default: never the request's Host), profiles and text limit."""
    schemas = json.loads(json.dumps({**SCHEMAS, **lt_openapi.SCHEMAS}))
    schemas["LTCheckRequest"]["properties"]["text"]["maxLength"] = max_chars
    request = schemas["ScoreRequest"]["properties"]
    request["text"]["maxLength"] = max_chars
    if profiles:
        request["profile"]["enum"] = sorted(profiles)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Impartial",
            "version": "1",
            "description": "Scores draft social-media posts for political-impartiality risk. "
                           "Draft text is never stored or logged.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/v1/score": {"post": {
                "operationId": "score",
                "summary": "Score a draft",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoreRequest"}}}},
                "responses": {
                    "200": _json("ScoreResponse", "the score, level and findings"),
                    "400": _error("bad JSON, or a missing or invalid field"),
                    "413": _error("text longer than IMPARTIAL_MAX_CHARS, or body too large"),
                    "415": _error("body is not application/json"),
                    "503": {**_error("scoring took longer than IMPARTIAL_TIME_BUDGET_MS; retry later"),
                            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                },
            }},
            "/v1/rules": {"get": {
                "operationId": "rules",
                "summary": "The rules in force, compiled to JSON",
                "parameters": [{"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}],
                "responses": {
                    "200": {**_json("Rules", "the rules in force"),
                            "headers": {"ETag": {"schema": {"type": "string"}}}},
                    "304": {"description": "unchanged since the ETag given"},
                },
            }},
            "/healthz": {"get": {
                "operationId": "health",
                "summary": "Liveness and the rules version",
                "responses": {"200": _json("Health", "serving")},
            }},
            "/metrics": {"get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics",
                "responses": {"200": {"description": "Prometheus text format",
                                      "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
            "/admin/rules/reload": {"post": {
                "operationId": "reloadRules",
                "summary": "Re-read, validate and swap in the rules directory",
                "security": [{"bearer": []}],
                "responses": {
                    "200": _json("Reload", "new rules in force on every worker"),
                    "401": _error("missing or wrong bearer token"),
                    "404": _error("admin endpoints are off (no IMPARTIAL_ADMIN_TOKEN)"),
                    "422": _error("invalid rule files; every problem listed, the rules in force unchanged"),
                    "429": _error("too many bad tokens from this client; see Retry-After"),
                },
            }},
            **lt_openapi.PATHS,
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
