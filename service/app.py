"""The Flask application factory."""
import logging
import os
import re
import time

from flask import Flask, g, request
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from . import admin, api, errors, languagetool, logs, metrics
from .rules import RulesError
from .sentiment import sentence_sentiment
from .store import RulesStore

log = logging.getLogger("impartial.http")

DEFAULTS = {
    "RULES_DIR": "shared-rules",
    "ADMIN_TOKEN": None,
    "ALLOWED_ORIGINS": "chrome-extension://*,moz-extension://*",
    "MAX_CHARS": 20000,
    "PROFILE": "public-servant",
    "RULES_POLL_SECONDS": 0.0,
    "RUNTIME_DIR": None,
    "LOG_LEVEL": "INFO",
    "TIME_BUDGET_MS": 1000.0,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,[::1]",
    "TRUSTED_PROXIES": 0,
}
_TYPES = {"MAX_CHARS": int, "RULES_POLL_SECONDS": float, "TIME_BUDGET_MS": float, "TRUSTED_PROXIES": int}
# Probes reach a pod by its IP, which no Host list names.
HOST_EXEMPT = frozenset({"/healthz", "/readyz"})
MIN_TOKEN_CHARS = 32
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?", re.IGNORECASE)


class ConfigError(ValueError):
    """A setting the service refuses to start with; the message names the variable."""


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON, with lone surrogates (legal in JSON, not in UTF-8) written as \\u escapes."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj, **kwargs):
        text = super().dumps(obj, **kwargs)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                # A match over a lone surrogate keeps it, so text.slice(start, end) === match in JavaScript.
                text = super().dumps(obj, **{**kwargs, "ensure_ascii": True})
        return text


def _from_environment():
    config = {}
    for key in DEFAULTS:
        value = os.environ.get(f"IMPARTIAL_{key}")
        if value is not None and value != "":
            try:
                config[key] = _TYPES.get(key, str)(value)
            except ValueError:
                raise ConfigError(f"IMPARTIAL_{key} must be a {_TYPES[key].__name__}") from None
    if os.environ.get("IMPARTIAL_ADMIN_TOKEN") == "":
        config["ADMIN_TOKEN"] = ""  # set but empty is a mistake, not "admin off": refused below
    return config


def _check_config(config):
    """Refuse settings that would leave the service open or unreachable, naming the variable."""
    token = config["ADMIN_TOKEN"]
    if token is not None:
        if len(token) < MIN_TOKEN_CHARS:
            raise ConfigError(f"IMPARTIAL_ADMIN_TOKEN must be at least {MIN_TOKEN_CHARS} characters "
                              f"(it has {len(token)}); unset it to turn admin off")
        if any(char.isspace() for char in token):
            raise ConfigError("IMPARTIAL_ADMIN_TOKEN must not contain spaces or other whitespace")
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigError("IMPARTIAL_TRUSTED_PROXIES must be 0 or more")
    if config["TIME_BUDGET_MS"] <= 0:
        raise ConfigError("IMPARTIAL_TIME_BUDGET_MS must be more than 0")


def allowed_hosts(spec, bind_host=None):
    """Host names a request may name, from IMPARTIAL_ALLOWED_HOSTS and the bind host; None: any."""
    names = [name.strip().lower() for name in spec.split(",") if name.strip()]
    if "*" in names:
        return None
    if bind_host and bind_host not in ("0.0.0.0", "::"):
        names.append(f"[{bind_host}]" if ":" in bind_host and not bind_host.startswith("[") else bind_host)
    return names


def max_body_bytes(max_chars):
    """The largest body a request may carry: the text at 6 bytes a character (\\u escapes), and room for the rest."""
    return max_chars * 6 + 65536


def _origin_patterns(spec):
    """CORS origins as regexes: `*` in a configured origin matches any run of characters."""
    return [re.compile("^" + re.escape(o.strip()).replace(r"\*", ".*") + "$") for o in spec.split(",") if o.strip()]


def create_app(test_config=None):
    """Build the app: defaults, then IMPARTIAL_* environment variables, then test_config."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(_from_environment())
    if test_config:
        app.config.update(test_config)
    _check_config(app.config)
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes(app.config["MAX_CHARS"])
    app.json = JsonProvider(app)
    logs.configure(app.config["LOG_LEVEL"])
    if app.config["TRUSTED_PROXIES"]:
        # The client address (throttle, logs) is the one the last N proxies saw, not theirs.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])

    sentence_sentiment("warm up")  # loads TextBlob's lexicon now, not in the first request
    try:
        store = RulesStore(app.config["RULES_DIR"], app.config["RUNTIME_DIR"], app.config["RULES_POLL_SECONDS"])
    except RulesError as exc:
        log.error("rules refused at startup", extra={"event": "rules_refused",
                                                     "problems": [p.as_dict() for p in exc.problems]})
        raise
    app.extensions["impartial.store"] = store
    app.extensions["impartial.throttle"] = admin.Throttle(store.runtime / "throttle")

    CORS(app, resources={r"/v1/*": {}, r"/v2/*": {}, r"/healthz": {}}, origins=_origin_patterns(app.config["ALLOWED_ORIGINS"]),
         methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"], max_age=600)
    app.register_blueprint(api.bp)
    app.register_blueprint(languagetool.bp)
    app.register_blueprint(admin.bp)
    errors.register(app)
    _instrument(app)
    _check_host(app, allowed_hosts(app.config["ALLOWED_HOSTS"], os.environ.get("HOST")))
    return app


def _check_host(app, names):
    """Refuse a Host header the service does not answer to (DNS rebinding reads nothing)."""
    if names is None:
        return

    @app.before_request
    def host_allowed():
        if request.path in HOST_EXEMPT:
            return None
        host = _HOST.fullmatch(request.environ.get("HTTP_HOST", ""))
        if host is None or host.group(1).lower() not in names:
            return errors.error_response(400, "invalid_host", "Host header names a host this service does not "
                                                              "answer to; see IMPARTIAL_ALLOWED_HOSTS")
        return None


def _instrument(app):
    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def record(response):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        metrics.LATENCY.labels(endpoint).observe(elapsed)
        if endpoint != "/metrics":
            fields = {"event": "request", "method": request.method, "endpoint": endpoint,
                      "status": response.status_code, "ms": round(elapsed * 1000, 3),
                      "client": request.remote_addr}
            fields.update(g.get("log_fields", {}))
            log.info("request", extra=fields)
        return response
