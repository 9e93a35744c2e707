"""Public API: score a text, the rules in force, health, metrics, OpenAPI."""
import json

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from . import metrics, scoring
from .errors import ApiError
from .openapi import spec

bp = Blueprint("api", __name__)

ACCOUNTS = ("personal", "official")
FIELDS = ("text", "profile", "context")
CONTEXT_FIELDS = ("election_period", "account", "site")
MAX_NUMBER_DIGITS = 100


def _read_body():
    """The raw body, read to at most the configured limit: 413 past it, chunked or not."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    try:
        # A chunked body has no declared length: read one byte past the limit to tell "too large"
        # from "exactly the limit" rather than cutting it silently.
        raw = request.stream.read(limit + 1)
        if len(raw) >= limit and request.stream.read(1):  # the stream raises 413 itself when chunked
            raise RequestEntityTooLarge()
    except RequestEntityTooLarge:
        raise
    except Exception:  # noqa: BLE001 - the server's body reader raises its own framing errors
        raise ApiError(400, "invalid_body", "malformed request body (chunked encoding or length)") from None
    return raw


def _number(kind):
    def convert(digits):
        # A score request has no numbers; a very long one costs quadratic time to convert.
        if len(digits) > MAX_NUMBER_DIGITS:
            raise ApiError(400, "invalid_json", f"body has a number of over {MAX_NUMBER_DIGITS} digits")
        return kind(digits)
    return convert


def _json_body():
    """The request body as a JSON object, or an ApiError naming what is wrong."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Content-Type must be application/json")
    raw = _read_body()
    try:
        document = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_json", "body is not valid UTF-8") from None
    try:
        body = json.loads(document, parse_int=_number(int), parse_float=_number(float), parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        # exc.msg and the position only: never the document itself.
        reason = exc.msg[:-3] if exc.msg.endswith(" at") else exc.msg
        raise ApiError(400, "invalid_json", f"body is not valid JSON: {reason} at char {exc.pos}") from None
    except RecursionError:
        raise ApiError(400, "invalid_json", "body nests too deeply") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "body must be a JSON object")
    return body


def _no_constant(name):
    raise ApiError(400, "invalid_json", "body is not valid JSON: NaN and Infinity are not JSON")


def _unknown(fields):
    # Names only, shortened and at most five: never a value, so never the draft.
    return ", ".join(json.dumps(name[:40]) for name in sorted(fields)[:5])


def parse_score_request(body, ruleset, max_chars, default_profile):
    """Validate a score request: (text, profile, context) or an ApiError naming the field."""
    unknown = [name for name in body if name not in FIELDS]
    if unknown:
        raise ApiError(400, "unknown_field", f"unknown field(s) {_unknown(unknown)}; "
                                             f"a score request has {', '.join(FIELDS)}")
    if "text" not in body:
        raise ApiError(400, "missing_field", "text is required")
    text = body["text"]
    if not isinstance(text, str):
        raise ApiError(400, "invalid_field", "text must be a string")
    if len(text) > max_chars:
        raise ApiError(413, "text_too_long", f"text is {len(text)} characters; the limit is {max_chars}")
    profile = body.get("profile")
    if "profile" not in body:
        profile = default_profile if default_profile in ruleset.profiles else ruleset.default_profile
    elif not isinstance(profile, str):
        raise ApiError(400, "invalid_field", "profile must be a string")
    elif profile not in ruleset.profiles:
        raise ApiError(400, "unknown_profile", "profile must be one of: " + ", ".join(sorted(ruleset.profiles)))
    context = body.get("context", {})
    if not isinstance(context, dict):
        raise ApiError(400, "invalid_field", "context must be an object")
    unknown = [name for name in context if name not in CONTEXT_FIELDS]
    if unknown:
        raise ApiError(400, "unknown_field", f"unknown context field(s) {_unknown(unknown)}; "
                                             f"context has {', '.join(CONTEXT_FIELDS)}")
    if "election_period" in context and not isinstance(context["election_period"], bool):
        raise ApiError(400, "invalid_field", "context.election_period must be true or false")
    if "account" in context and context["account"] not in ACCOUNTS:
        raise ApiError(400, "invalid_field", "context.account must be \"personal\" or \"official\"")
    if "site" in context and not isinstance(context["site"], str):
        raise ApiError(400, "invalid_field", "context.site must be a string")
    return text, profile, context


@bp.post("/v1/score")
def score():
    body = _json_body()
    ruleset = current_app.extensions["impartial.store"].get()
    text, profile, context = parse_score_request(
        body, ruleset, current_app.config["MAX_CHARS"], current_app.config["PROFILE"])
    result = scoring.score(ruleset, text, profile, context)
    return result


@bp.get("/v1/rules")
def rules():
    ruleset = current_app.extensions["impartial.store"].get()
    etag = f'"{ruleset.version}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")] or \
            request.headers.get("If-None-Match", "").strip() == "*":
        return Response(status=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
    body = _described(ruleset)
    return Response(body, mimetype="application/json", headers={"ETag": etag, "Cache-Control": "no-cache"})


def _described(ruleset):
    cached = getattr(ruleset, "_described", None)
    if cached is None:
        cached = json.dumps(ruleset.describe(), ensure_ascii=False).encode("utf-8")
        ruleset._described = cached
    return cached


@bp.get("/healthz")
def healthz():
    ruleset = current_app.extensions["impartial.store"].get()
    return {"status": "ok", "rules_version": ruleset.version}


@bp.get("/metrics")
def metrics_endpoint():
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)


@bp.get("/openapi.json")
def openapi():
    ruleset = current_app.extensions["impartial.store"].get()
    # A relative server URL: the document never repeats the Host header a client sent.
    return spec("/", ruleset.profiles, current_app.config["MAX_CHARS"])
