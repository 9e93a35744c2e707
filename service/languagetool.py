"""LanguageTool's public HTTP API (/v2/check, /v2/languages, /v2/info), so its clients get Impartial's findings.

Errors here are LanguageTool's: plain text `Error: <message>` with the status, because its
clients read them as text (language_tool_python raises the body as its error; a JSON body
would reach it as a result with no `matches`). The error code is in `X-Impartial-Error`.
"""
import re

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

from . import lt_format, scoring
from .annotated import AnnotatedText, from_data
from .api import parse_score_request
from .errors import CODES, ApiError, _http_message

bp = Blueprint("languagetool", __name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The parameters read here (given twice, refused); any other is ignored, as LanguageTool ignores what it does not know.
PARAMETERS = ("text", "data", "language", "motherTongue", "preferredVariants", "enabledRules", "disabledRules",
              "enabledCategories", "disabledCategories", "enabledOnly", "level", "profile", "electionPeriod", "account")
_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
_BY_LOWER = {code.lower(): code for code in lt_format.ENGLISH}


def _bad(message, code="bad_parameter"):
    return ApiError(400, code, message)


def _form():
    """The request's parameters, from a form-encoded or multipart body only (the URL would log the text)."""
    if request.args:
        raise _bad("send the parameters in the request body (form-encoded or multipart), not in the URL",
                   "parameters_in_url")
    if request.mimetype not in FORM_TYPES and (request.mimetype or request.content_length):
        raise ApiError(415, "unsupported_media_type",
                       "Content-Type must be application/x-www-form-urlencoded or multipart/form-data")
    params = {}
    for name, values in request.form.lists():
        if len(values) > 1 and name in PARAMETERS:
            raise _bad(f"'{name}' is given more than once")
        params[name] = values[0]
    # A plain dict: a MultiDict raises (and builds) an HTTP exception for every absent key it is asked for.
    return params


def _names(form, name):
    return {part.strip() for part in form.get(name, "").split(",") if part.strip()}


def _flag(form, name):
    value = form.get(name, "").strip().lower()
    if value in ("true", "yes"):
        return True
    if value in ("", "false", "no"):
        return False
    raise _bad(f"'{name}' must be true or false")


def _shown(code):
    # A code is echoed only when it looks like one: never a stray piece of text.
    return f"'{code}'" if _CODE.match(code) else "the given code"


def _language(form):
    """(code served, detected) from `language` and `preferredVariants`; English only."""
    language = form.get("language", "").strip()
    if not language:
        raise _bad("Missing 'language' parameter, e.g. 'language=en-GB' or 'language=auto'", "missing_language")
    variants = [v.strip() for v in form.get("preferredVariants", "").split(",") if v.strip()]
    if variants and language != "auto":
        raise _bad("You specified 'preferredVariants' but you didn't specify 'language=auto'")
    for variant in variants:
        if "-" not in variant:
            raise _bad(f"Invalid format for 'preferredVariants', expected a dash as in 'en-GB': {_shown(variant)}")
    if language == "auto":
        english = [_BY_LOWER[v.lower()] for v in variants if v.lower() in _BY_LOWER]
        return (english[0] if english else lt_format.DEFAULT_VARIANT), True
    code = _BY_LOWER.get(language.replace("_", "-").lower())
    if code is None:
        raise _bad(f"{_shown(language)} is not a language this server checks: Impartial checks English only "
                   f"(language=auto or one of {', '.join(sorted(lt_format.ENGLISH))})", "unsupported_language")
    return code, False


def _annotated(form):
    if "text" in form and "data" in form:
        raise _bad("Set only 'text' or 'data' parameter, not both")
    if "text" in form:
        return AnnotatedText.of_text(form["text"])
    if "data" in form:
        return from_data(form["data"])
    raise _bad("Missing 'text' or 'data' parameter", "missing_text")


def _context(form):
    context = {}
    if "electionPeriod" in form:
        context["election_period"] = _flag(form, "electionPeriod")
    if "account" in form:
        if form["account"] not in ("personal", "official"):
            raise _bad("'account' must be personal or official")
        context["account"] = form["account"]
    return context


def _selection(form):
    """A predicate over findings from the rule and category parameters, as LanguageTool applies them."""
    enabled_only = _flag(form, "enabledOnly")
    rules_on, rules_off = _names(form, "enabledRules"), _names(form, "disabledRules")
    categories_on, categories_off = _names(form, "enabledCategories"), _names(form, "disabledCategories")
    if enabled_only and (rules_off or categories_off):
        raise _bad("You cannot specify disabled rules or categories using enabledOnly=true")
    if enabled_only and not (rules_on or categories_on):
        raise _bad("You must specify enabled rules or categories when using enabledOnly=true")
    if enabled_only:
        return lambda f: f["rule"] in rules_on or f["category"] in categories_on
    # Every rule of the profile is on already: enabledRules and enabledCategories add nothing without enabledOnly.
    return lambda f: f["rule"] not in rules_off and f["category"] not in categories_off


def _options(form):
    """`level` and `motherTongue` are checked, and change nothing: Impartial has no picky rules or false friends."""
    if form.get("level", "default") not in ("default", "picky"):
        raise _bad("'level' must be default or picky")
    mother_tongue = form.get("motherTongue", "")
    if mother_tongue and not _CODE.match(mother_tongue):
        raise _bad("'motherTongue' must be a language code such as de-DE")


def check_form(form):
    """Check a parsed LanguageTool request: the response body of POST /v2/check."""
    store = current_app.extensions["impartial.store"]
    annotated = _annotated(form)
    language, detected = _language(form)
    keep = _selection(form)
    _options(form)
    context = _context(form)
    ruleset = store.get()
    body = {"text": annotated.plain, "context": context}
    if "profile" in form:
        body["profile"] = form["profile"]
    text, profile, context = parse_score_request(
        body, ruleset, current_app.config["MAX_CHARS"], current_app.config["PROFILE"])
    result = scoring.score(ruleset, text, profile, context)
    findings = [f for f in result["findings"] if keep(f)]
    return {
        "software": lt_format.software(ruleset.version),
        "warnings": {"incompleteResults": False},
        "language": lt_format.language_section(language, detected),
        "matches": lt_format.matches(findings, annotated, ruleset),
    }


@bp.post("/v2/check")
def check():
    return check_form(_form())


@bp.get("/v2/languages")
def languages():
    return lt_format.languages()


@bp.get("/v2/info")
def info():
    ruleset = current_app.extensions["impartial.store"].get()
    return {"software": lt_format.software(ruleset.version)}


def _plain_error(status, code, message, headers=None):
    response = Response(f"Error: {message}", status=status, mimetype="text/plain")
    response.headers["X-Impartial-Error"] = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(ApiError)
def api_error(exc):
    return _plain_error(exc.status, exc.code, exc.message, exc.headers)


@bp.errorhandler(HTTPException)
def http_error(exc):
    return _plain_error(exc.code, CODES.get(exc.code, "http_error"), _http_message(exc))
