"""The public HTTP API through the Flask test client: shapes, errors, CORS, ETag, metrics."""
import json

import pytest

from service import create_app
from tests.conftest import ADMIN_TOKEN, RULES

RISKY = "Vote Labour on Thursday!"
BENIGN = "Lovely walk by the river this morning."


def score(client, body, **kwargs):
    return client.post("/v1/score", json=body, **kwargs)


def test_score_returns_the_contract_shape(client):
    response = score(client, {"text": RISKY})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"score", "level", "warn", "findings", "sentiment", "profile", "rules_version"}
    assert body["profile"] == "public-servant"
    assert body["warn"] is True and body["level"] in ("medium", "high")
    finding = body["findings"][0]
    assert {"rule", "category", "severity", "start", "end", "match", "message", "suggestion", "guidance"} <= set(finding)
    assert RISKY[finding["start"]:finding["end"]] == finding["match"]
    assert set(finding["guidance"]) == {"title", "url"}


def test_benign_text_scores_zero(client):
    body = score(client, {"text": BENIGN}).get_json()
    assert (body["score"], body["level"], body["warn"], body["findings"]) == (0, "none", False, [])


def test_warn_is_exactly_medium_or_high(client, ruleset):
    for text in (RISKY, BENIGN, "", "Labour announced its manifesto today."):
        body = score(client, {"text": text}).get_json()
        assert body["warn"] == (body["level"] in ("medium", "high"))


def test_same_request_gives_the_same_answer(client):
    first = score(client, {"text": RISKY + " " + BENIGN}).get_json()
    for _ in range(3):
        assert score(client, {"text": RISKY + " " + BENIGN}).get_json() == first


def test_offsets_are_utf16_after_astral_characters(client):
    text = "🇬🇧😀 𝒜 " + RISKY
    body = score(client, {"text": text}).get_json()
    finding = body["findings"][0]
    units = text.encode("utf-16-le")
    assert units[2 * finding["start"]:2 * finding["end"]].decode("utf-16-le") == finding["match"] == "Vote Labour"
    assert finding["start"] == len("🇬🇧😀 𝒜 ".encode("utf-16-le")) // 2


def test_lone_surrogate_in_json_is_scored_not_crashed(client):
    raw = '{"text": "\\ud800 Vote Labour"}'
    response = client.post("/v1/score", data=raw, content_type="application/json")
    assert response.status_code == 200
    finding = response.get_json()["findings"][0]
    assert (finding["start"], finding["end"]) == (2, 13)


def test_profile_and_context_are_accepted(client):
    body = score(client, {"text": RISKY, "profile": "uk-civil-service",
                          "context": {"election_period": True, "account": "official", "site": "x.com"}}).get_json()
    assert body["profile"] == "uk-civil-service"
    assert body["level"] == "high"


@pytest.mark.parametrize(("body", "status", "code", "names"), [
    ({}, 400, "missing_field", "text"),
    ({"text": None}, 400, "invalid_field", "text"),
    ({"text": 12}, 400, "invalid_field", "text"),
    ({"text": ["a"]}, 400, "invalid_field", "text"),
    ({"text": "a", "profile": 3}, 400, "invalid_field", "profile"),
    ({"text": "a", "profile": "no-such-profile"}, 400, "unknown_profile", "profile"),
    ({"text": "a", "context": "x"}, 400, "invalid_field", "context"),
    ({"text": "a", "context": {"election_period": "yes"}}, 400, "invalid_field", "context.election_period"),
    ({"text": "a", "context": {"account": "corporate"}}, 400, "invalid_field", "context.account"),
    ({"text": "a", "context": {"site": 5}}, 400, "invalid_field", "context.site"),
    ([1, 2], 400, "invalid_body", "object"),
    ("text", 400, "invalid_body", "object"),
])
def test_bad_score_requests(client, body, status, code, names):
    response = score(client, body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert names in error["message"]


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    ("{not json", "application/json", 400, "invalid_json"),
    ('{"text": "a"', "application/json", 400, "invalid_json"),
    (b"\xff\xfe{}", "application/json", 400, "invalid_json"),
    ('{"text": "a"}', "text/plain", 415, "unsupported_media_type"),
    ('{"text": "a"}', None, 415, "unsupported_media_type"),
    ("text=a", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
])
def test_malformed_bodies(client, data, content_type, status, code):
    response = client.post("/v1/score", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_text_over_the_limit_is_413_naming_the_limit(tmp_path):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "MAX_CHARS": 50, "RUNTIME_DIR": str(tmp_path)})
    client = app.test_client()
    response = score(client, {"text": "a" * 51})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "text_too_long" and "50" in error["message"]
    assert score(client, {"text": "a" * 50}).status_code == 200


def test_body_far_over_the_limit_is_413_json(tmp_path):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "MAX_CHARS": 10, "RUNTIME_DIR": str(tmp_path)})
    response = app.test_client().post("/v1/score", data=json.dumps({"text": "a" * 200000}),
                                      content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("get", "/nowhere", 404, "not_found"),
    ("get", "/v1/score", 405, "method_not_allowed"),
    ("put", "/v1/score", 405, "method_not_allowed"),
    ("post", "/healthz", 405, "method_not_allowed"),
    ("post", "/readyz", 405, "method_not_allowed"),
    ("delete", "/v1/rules", 405, "method_not_allowed"),
])
def test_routing_errors_are_json(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.is_json
    assert response.get_json()["error"]["code"] == code


def test_healthz(client, app):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "rules_version": app.extensions["impartial.store"].get().version}


def test_readyz_once_the_rules_are_loaded(client, app):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "rules_version": app.extensions["impartial.store"].get().version}


def test_readyz_is_a_json_503_before_the_rules_are_loaded(client, app, monkeypatch):
    monkeypatch.setattr(app.extensions["impartial.store"], "current", None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json() == {"error": {"code": "not_ready", "message": "the rules are not loaded yet"}}


def test_rules_endpoint_and_etag(client):
    response = client.get("/v1/rules")
    assert response.status_code == 200
    body = response.get_json()
    assert {"version", "profiles", "categories", "rules"} <= set(body)
    assert "public-servant" in body["profiles"]
    assert len(body["categories"]) == 8
    etag = response.headers["ETag"]
    assert etag == f'"{body["version"]}"'
    again = client.get("/v1/rules", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/v1/rules", headers={"If-None-Match": '"other"'}).status_code == 200


def test_version_is_the_same_in_every_answer(client):
    version = client.get("/healthz").get_json()["rules_version"]
    assert client.get("/v1/rules").get_json()["version"] == version
    assert score(client, {"text": "x"}).get_json()["rules_version"] == version


@pytest.mark.parametrize(("origin", "allowed"), [
    ("chrome-extension://abcdefghijklmnop", True),
    ("moz-extension://1234-5678", True),
    ("https://evil.example", False),
    ("https://x.com", False),
])
def test_cors_allows_extension_origins_only(client, origin, allowed):
    preflight = client.options("/v1/score", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert (preflight.headers.get("Access-Control-Allow-Origin") == origin) is allowed
    response = score(client, {"text": "x"}, headers={"Origin": origin})
    assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed


def test_cors_origins_are_configurable(tmp_path):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path),
                      "ALLOWED_ORIGINS": "https://intranet.example.gov"})
    response = app.test_client().get("/healthz", headers={"Origin": "https://intranet.example.gov"})
    assert response.headers.get("Access-Control-Allow-Origin") == "https://intranet.example.gov"
    response = app.test_client().get("/healthz", headers={"Origin": "chrome-extension://abc"})
    assert "Access-Control-Allow-Origin" not in response.headers
    response = app.test_client().get("/readyz", headers={"Origin": "https://intranet.example.gov"})
    assert response.headers.get("Access-Control-Allow-Origin") == "https://intranet.example.gov"


def test_metrics_count_requests_and_findings_by_category(client):
    score(client, {"text": RISKY})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'impartial_requests_total{endpoint="/v1/score",method="POST",status="200"}' in text
    assert 'impartial_findings_total{category="party_political"}' in text
    assert "impartial_request_seconds_bucket" in text
    assert "Labour" not in text


def test_admin_is_404_without_a_configured_token(tmp_path):
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path)})
    response = app.test_client().post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic abc", "Bearer wrong-token", f"bearer{ADMIN_TOKEN}"])
def test_admin_rejects_missing_or_wrong_tokens(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/admin/rules/reload", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_admin_throttles_repeated_bad_tokens(client):
    for _ in range(5):
        assert client.post("/admin/rules/reload", headers={"Authorization": "Bearer nope"}).status_code == 401
    response = client.post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_admin_reload_with_the_right_token(client):
    response = client.post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["rules_version"] == body["previous_version"]
    assert body["rules"] > 0 and body["propagation_seconds"] == 0
