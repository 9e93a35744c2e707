"""Hostile and malformed input through the Flask test client: every case a 4xx JSON error, never a 5xx."""
import json
import logging
import time

import pytest

from service import budget, create_app
from service.admin import Throttle, client_key
from service.app import ConfigError
from service.logs import JsonFormatter
from tests.conftest import ADMIN_TOKEN, RULES

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def hardened(tmp_path_factory):
    """One app for the module (building one compiles every rule: seconds on a busy machine)."""
    app = create_app({"TESTING": True, "ADMIN_TOKEN": ADMIN_TOKEN, "RULES_DIR": str(RULES),
                      "RUNTIME_DIR": str(tmp_path_factory.mktemp("runtime"))})
    yield app
    app.extensions["impartial.store"].close()


@pytest.fixture
def web(hardened):
    return hardened.test_client()


MALFORMED = [
    pytest.param('{"text": "a", "context": ' + "[" * 1000 + "]" * 1000 + "}", 400, "invalid_json", "nests",
                 id="nested-1000"),
    pytest.param('{"text": ' + "[" * 50000 + "]" * 50000 + "}", 400, "invalid_json", "nests", id="nested-50000"),
    pytest.param('{"text": "a", "n": ' + "9" * 5000 + "}", 400, "invalid_json", "digits", id="int-5000-digits"),
    pytest.param('{"text": ' + "9" * 5000 + "}", 400, "invalid_json", "digits", id="text-int-5000-digits"),
    pytest.param('{"text": "a", "n": 1' + "0" * 400 + ".5}", 400, "invalid_json", "digits", id="long-float"),
    pytest.param('{"text": NaN}', 400, "invalid_json", "NaN", id="nan"),
    pytest.param('{"text": "a", "context": null}', 400, "invalid_field", "context", id="context-null"),
    pytest.param('{"text": "a", "profile": null}', 400, "invalid_field", "profile", id="profile-null"),
    pytest.param('{"text": "a", "profle": "x"}', 400, "unknown_field", '"profle"', id="typo-top-level"),
    pytest.param('{"text": "a", "extra": 1, "more": 2}', 400, "unknown_field", '"extra", "more"', id="two-unknown"),
    pytest.param('{"txt": "a"}', 400, "unknown_field", '"txt"', id="text-misspelt"),
    pytest.param('{"text": "a", "context": {"electon_period": true}}', 400, "unknown_field", '"electon_period"',
                 id="typo-in-context"),
    pytest.param('{"text": "a\x01"}', 400, "invalid_json", "Invalid control character at char", id="control-char"),
    pytest.param('{"text": "a", "text": 5}', 400, "invalid_field", "text", id="duplicate-key-last-wins"),
]


@pytest.mark.parametrize(("raw", "status", "code", "names"), MALFORMED)
def test_malformed_requests_are_4xx_json_naming_the_problem(web, raw, status, code, names):
    response = web.post("/v1/score", data=raw, content_type="application/json")
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert names in error["message"]
    assert "at at" not in error["message"]


SURROGATES = [
    pytest.param("Proud to be out leafleting for Labour \ud800 this weekend!", id="inside-a-sentence-finding"),
    pytest.param("\udfff Vote Labour \ud83d", id="lone-low-and-high"),
    pytest.param("Vote Labour \ud800\ud800 now. Labour \udc00 are the best party!", id="several"),
]


@pytest.mark.parametrize("text", SURROGATES)
def test_lone_surrogates_inside_findings_are_scored_and_escaped(web, text):
    raw = json.dumps({"text": text})  # ensure_ascii: the lone surrogates travel as \\u escapes
    response = web.post("/v1/score", data=raw, content_type="application/json")
    assert response.status_code == 200
    body = json.loads(response.get_data().decode("utf-8"))
    assert body["findings"]
    units = text.encode("utf-16-le", "surrogatepass")
    for finding in body["findings"]:
        # What JavaScript's text.slice(start, end) gives, lone surrogates included.
        assert units[2 * finding["start"]:2 * finding["end"]].decode("utf-16-le", "surrogatepass") == finding["match"]


def test_time_budget_spent_is_503_json_with_retry_after_and_counted(tmp_path):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path), "TIME_BUDGET_MS": 0.001})
    client = app.test_client()
    response = client.post("/v1/score", json={"text": "Vote Labour. " * 1500})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "over_time_budget"
    assert int(response.headers["Retry-After"]) >= 1
    assert 'impartial_over_time_budget_total{endpoint="/v1/score"}' in client.get("/metrics").get_data(as_text=True)
    app.extensions["impartial.store"].close()


def test_budget_stops_work_at_its_deadline_and_nests():
    calls = []

    def work():
        for step in range(10_000):
            calls.append(step)
            time.sleep(0.001)
            budget.check()

    with pytest.raises(budget.BudgetExceeded):
        budget.call(0.02, work)
    assert len(calls) < 10_000
    assert budget.remaining() is None
    # An inner budget never outlives the outer one.
    assert budget.call(0.5, lambda: budget.call(10, budget.remaining)) <= 0.5


def test_the_engine_checks_the_budget(ruleset):
    with pytest.raises(budget.BudgetExceeded):
        budget.call(0, ruleset.score, "Vote Labour. " * 100)


HOSTS = [
    ("evil.example", "/v1/rules", 400),
    ("evil.example:8765", "/metrics", 400),
    ("evil.example", "/openapi.json", 400),
    ("127.0.0.1.evil.example", "/v1/rules", 400),
    ("", "/v1/rules", 400),
    ("evil.example", "/healthz", 200),
    ("10.1.2.3:8765", "/healthz", 200),
    ("127.0.0.1:8765", "/v1/rules", 200),
    ("localhost", "/metrics", 200),
    ("LOCALHOST:80", "/v1/rules", 200),
    ("[::1]:8765", "/v1/rules", 200),
]


@pytest.mark.parametrize(("host", "path", "status"), HOSTS)
def test_host_header_is_checked_except_for_probes(web, host, path, status):
    response = web.get(path, headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert response.get_json()["error"]["code"] == "invalid_host"


@pytest.mark.parametrize(("allowed", "host", "status"), [
    ("impartial.example.gov", "impartial.example.gov", 200),
    ("impartial.example.gov", "localhost", 400),
    ("*", "evil.example", 200),
])
def test_allowed_hosts_are_configurable(tmp_path, allowed, host, status):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path), "ALLOWED_HOSTS": allowed})
    assert app.test_client().get("/v1/rules", headers={"Host": host}).status_code == status
    app.extensions["impartial.store"].close()


def test_openapi_servers_never_reflect_the_host(web):
    spec = web.get("/openapi.json", headers={"Host": "localhost"}).get_json()
    assert spec["servers"] == [{"url": "/"}]
    assert spec["components"]["schemas"]["ScoreRequest"]["additionalProperties"] is False


@pytest.mark.parametrize(("token", "reason"), [
    ("", "at least 32"),
    ("x", "at least 32"),
    ("a" * 31, "at least 32"),
    ("a" * 20 + " " + "b" * 20, "whitespace"),
    ("a" * 40 + "\t", "whitespace"),
])
def test_weak_admin_tokens_refuse_to_start(tmp_path, token, reason):
    with pytest.raises(ConfigError, match=reason):
        create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path), "ADMIN_TOKEN": token})


def test_an_empty_token_in_the_environment_is_refused_not_admin_off(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPARTIAL_ADMIN_TOKEN", "")
    with pytest.raises(ConfigError, match="IMPARTIAL_ADMIN_TOKEN"):
        create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path)})


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_one_client_locked_out_leaves_another_with_the_right_token_in(tmp_path):
    throttle = Throttle(tmp_path, clock=Clock())
    for _ in range(5):
        throttle.failed("203.0.113.7")
    assert throttle.retry_after("203.0.113.7") > 0
    assert throttle.retry_after("198.51.100.2") == 0


def test_rotating_addresses_do_not_help(tmp_path):
    clock = Clock()
    throttle = Throttle(tmp_path, clock=clock)
    throttle.succeeded("192.0.2.10")  # the real admin, seen before
    for i in range(30):
        throttle.failed(f"203.0.113.{i}")
    assert throttle.retry_after("203.0.113.200") > 0  # a fresh address gets no fresh allowance
    assert throttle.retry_after("192.0.2.10") == 0  # a known admin is still heard
    clock.now += 61
    assert throttle.retry_after("203.0.113.200") == 0


@pytest.mark.parametrize(("first", "second", "same"), [
    ("2001:db8::1", "2001:db8::ffff:1", True),
    ("2001:db8:0:1::1", "2001:db8:0:2::1", False),
    ("::ffff:192.0.2.1", "192.0.2.1", True),
    ("192.0.2.1", "192.0.2.2", False),
])
def test_an_ipv6_host_counts_as_one_client_per_64(first, second, same):
    assert (client_key(first) == client_key(second)) is same


def test_trusted_proxies_throttle_the_forwarded_client(tmp_path):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path),
                      "ADMIN_TOKEN": ADMIN_TOKEN, "TRUSTED_PROXIES": 1})
    client = app.test_client()
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(5):
        assert client.post("/admin/rules/reload", headers={**attacker, "Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/admin/rules/reload", headers={**attacker, **AUTH}).status_code == 429
    # Another client behind the same proxy, with the right token, still gets in.
    assert client.post("/admin/rules/reload", headers={"X-Forwarded-For": "198.51.100.4", **AUTH}).status_code == 200
    app.extensions["impartial.store"].close()


def test_log_level_is_severity_and_extra_fields_never_replace_it():
    record = logging.makeLogRecord({"name": "impartial.http", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "request", "level": "high", "risk_level": "high"})
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "info" and entry["risk_level"] == "high"


def test_the_request_log_names_the_risk_level_separately(web, caplog):
    logger = logging.getLogger("impartial")
    logger.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="impartial.http"):
            web.post("/v1/score", json={"text": "Vote Labour on Thursday!"})
    finally:
        logger.propagate = False
    record = next(r for r in caplog.records if getattr(r, "event", None) == "request")
    assert record.levelname == "INFO" and record.risk_level in ("medium", "high")
    assert not hasattr(record, "level")
