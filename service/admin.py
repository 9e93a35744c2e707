"""Admin API: reload the rules, behind a bearer token."""
import fcntl
import hashlib
import hmac
import ipaddress
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
GLOBAL_FAILURES_ALLOWED = 30
KNOWN_CLIENT_SECONDS = 7 * 24 * 3600


def client_key(address):
    """The unit a throttle counts: an IPv4 address, or an IPv6 /64 (one host can hold a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    mapped = getattr(ip, "ipv4_mapped", None)
    if ip.version == 6 and mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(mapped or ip)


class Throttle:
    """Counts bad tokens per client and in all, across every worker of a server; past the allowance, 429.

    A client with five bad tokens in a minute is refused for the rest of the minute; other
    clients are not. Past thirty bad tokens in a minute from all clients together (an attacker
    rotating addresses), only clients that have given the right token before are still heard,
    so a distributed guesser gains nothing and a known admin still gets in. Counts live in
    small files in the server's runtime directory, locked while read and written, so the
    allowances hold however many workers answer.
    """

    def __init__(self, directory, allowed=FAILURES_ALLOWED, window=FAILURE_WINDOW, clock=time.time,
                 global_allowed=GLOBAL_FAILURES_ALLOWED):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.allowed, self.window, self.clock = allowed, window, clock
        self.global_allowed = global_allowed

    def retry_after(self, client):
        """Seconds until this client may try again, or 0."""
        key = client_key(client)
        with self._failures(key) as recent:
            if len(recent) >= self.allowed:
                return self._wait(recent)
        with self._failures("*") as everyone:
            if len(everyone) >= self.global_allowed and not self._known(key):
                return self._wait(everyone[-self.global_allowed:])
        return 0

    def failed(self, client):
        """Record one bad token from a client."""
        for key in (client_key(client), "*"):
            with self._failures(key) as recent:
                recent.append(self.clock())

    def succeeded(self, client):
        """Remember a client that gave the right token: it is still heard while others are throttled."""
        path = self._path("known-" + client_key(client))
        path.touch()

    def _known(self, key):
        try:
            return self.clock() - self._path("known-" + key).stat().st_mtime < KNOWN_CLIENT_SECONDS
        except FileNotFoundError:
            return False

    def _wait(self, recent):
        return max(1, int(recent[0] + self.window - self.clock()) + 1)

    def _path(self, key):
        return self.directory / hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]

    @contextmanager
    def _failures(self, key):
        keep = max(self.allowed, self.global_allowed)
        with open(self._path(key), "a+", encoding="ascii") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                now = self.clock()
                recent = [float(t) for t in handle.read().split() if now - float(t) < self.window]
                yield recent
                handle.seek(0)
                handle.truncate()
                handle.write(" ".join(repr(t) for t in recent[-keep * 2:]))
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
        log.warning("bad admin token", extra={"event": "admin_bad_token", "client": client})
        raise ApiError(401, "unauthorized", "bearer token is not valid")
    throttle.succeeded(client)


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
