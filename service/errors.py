"""One shape for every error: {"error": {"code": ..., "message": ...}}."""
import logging
import traceback

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from . import metrics
from .budget import BudgetExceeded

log = logging.getLogger("impartial.errors")

CODES = {
    400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_rules",
    429: "too_many_requests", 500: "internal_error", 503: "over_time_budget",
}
RETRY_AFTER_SECONDS = 1


class ApiError(Exception):
    """An error a view raises to answer with a specific status, code and message."""

    def __init__(self, status, code, message, headers=None, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.headers = headers or {}


def error_response(status, code, message, headers=None, **extra):
    """The JSON error response every endpoint uses."""
    body = {"error": {"code": code, "message": message, **extra}}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_message(exc):
    # Werkzeug's own descriptions are long prose; keep them short and never echo input.
    return {
        404: "no such endpoint", 405: "method not allowed on this endpoint",
        413: "request body is too large",
    }.get(exc.code, (exc.description or exc.name).split(".")[0])


def register(app):
    """Install the handlers that turn every failure into the JSON error shape."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc):
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers, **exc.extra)

    @app.errorhandler(BudgetExceeded)
    def handle_over_budget(exc):
        # The work stopped at its budget: the worker is free again, and the client may retry.
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.OVER_BUDGET.labels(endpoint).inc()
        log.warning("time budget spent", extra={"event": "over_time_budget", "endpoint": endpoint})
        return error_response(503, "over_time_budget", "the request took longer than the service's time budget; "
                                                       "retry, or send a shorter text",
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(HTTPException)
    def handle_http(exc):
        response = error_response(exc.code, CODES.get(exc.code, "http_error"), _http_message(exc))
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc):
        # Never log str(exc): exception messages can quote the input.
        frames = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)]
        log.error("unhandled error", extra={"event": "internal_error", "exception": type(exc).__name__, "frames": frames})
        return error_response(500, "internal_error", "internal error")
