"""The Flask application factory."""
import logging
import os
import re
import time

from flask import Flask, g, request
from flask_cors import CORS

from . import admin, api, errors, languagetool, logs, metrics
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
}
_TYPES = {"MAX_CHARS": int, "RULES_POLL_SECONDS": float}


def _from_environment():
    config = {}
    for key in DEFAULTS:
        value = os.environ.get(f"IMPARTIAL_{key}")
        if value is not None and value != "":
            config[key] = _TYPES.get(key, str)(value)
    return config


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
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_CHARS"] * 6 + 65536
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    logs.configure(app.config["LOG_LEVEL"])

    sentence_sentiment("warm up")  # loads TextBlob's lexicon now, not in the first request
    store = RulesStore(app.config["RULES_DIR"], app.config["RUNTIME_DIR"], app.config["RULES_POLL_SECONDS"])
    app.extensions["impartial.store"] = store
    app.extensions["impartial.throttle"] = admin.Throttle(store.runtime / "throttle")

    CORS(app, resources={r"/v1/*": {}, r"/v2/*": {}, r"/healthz": {}}, origins=_origin_patterns(app.config["ALLOWED_ORIGINS"]),
         methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"], max_age=600)
    app.register_blueprint(api.bp)
    app.register_blueprint(languagetool.bp)
    app.register_blueprint(admin.bp)
    errors.register(app)
    _instrument(app)
    return app


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
                      "status": response.status_code, "ms": round(elapsed * 1000, 3)}
            fields.update(g.get("log_fields", {}))
            log.info("request", extra=fields)
        return response
