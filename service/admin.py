"""Admin API: reload the rules, behind a bearer token."""
import fcntl
import hashlib
import hmac
import logging
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Blueprint, current_app, request

from . import metrics
from .errors import ApiError
from .rules import RulesError

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger("impartial.admin")

FAILURES_ALLOWED = 5
FAILURE_WINDOW = 60.0


class Throttle:
    """Counts bad tokens per client across every worker of a server; past the allowance, 429.

    Failures live in small files in the server's runtime directory, locked while
    read and written, so the allowance holds however many workers answer.
    """

    def __init__(self, directory, allowed=FAILURES_ALLOWED, window=FAILURE_WINDOW, clock=time.time):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.allowed, self.window, self.clock = allowed, window, clock

    def retry_after(self, client):
        """Seconds until this client may try again, or 0."""
        with self._failures(client) as recent:
            if len(recent) < self.allowed:
                return 0
            return max(1, int(recent[0] + self.window - self.clock()) + 1)

    def failed(self, client):
        """Record one bad token from a client."""
        with self._failures(client) as recent:
            recent.append(self.clock())

    @contextmanager
    def _failures(self, client):
        name = hashlib.sha256(client.encode("utf-8")).hexdigest()[:24]
        with open(self.directory / name, "a+", encoding="ascii") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                now = self.clock()
                recent = [float(t) for t in handle.read().split() if now - float(t) < self.window]
                yield recent
                handle.seek(0)
                handle.truncate()
                handle.write(" ".join(repr(t) for t in recent[-self.allowed * 2:]))
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@bp.before_request
def authenticate():
    token = current_app.config.get("ADMIN_TOKEN")
    if not token:
        raise ApiError(404, "not_found", "no such endpoint")
    throttle = current_app.extensions["impartial.throttle"]
    client = request.remote_addr or "unknown"
    wait = throttle.retry_after(client)
    if wait:
        raise ApiError(429, "too_many_requests", f"too many bad tokens; retry in {wait} s",
                       headers={"Retry-After": str(wait)})
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        throttle.failed(client)
        raise ApiError(401, "unauthorized", "Authorization: Bearer <token> is required")
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        throttle.failed(client)
        log.warning("bad admin token", extra={"event": "admin_bad_token"})
        raise ApiError(401, "unauthorized", "bearer token is not valid")


@bp.post("/rules/reload")
def reload_rules():
    store = current_app.extensions["impartial.store"]
    try:
        ruleset, previous = store.reload()
    except RulesError as exc:
        metrics.RELOADS.labels("invalid").inc()
        problems = [p.as_dict() for p in exc.problems]
        log.warning("rules reload refused", extra={"event": "rules_refused", "problems": problems[:20]})
        raise ApiError(422, "invalid_rules", f"{len(problems)} problem(s) in rule files; the rules in force are unchanged",
                       problems=problems, rules_version=store.get().version) from None
    metrics.RELOADS.labels("ok").inc()
    log.info("rules reloaded", extra={"event": "rules_reloaded", "rules_version": ruleset.version,
                                      "previous_version": previous.version})
    return {"rules_version": ruleset.version, "previous_version": previous.version,
            "rules": len(ruleset.rules), "propagation_seconds": 0}
