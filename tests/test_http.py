"""Against real gunicorn processes over HTTP: reload across workers, privacy, OpenAPI, metrics."""
import json
import time

import jsonschema
import pytest
import requests

from tests import minirules
from tests.conftest import ADMIN_TOKEN

pytestmark = pytest.mark.slow
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

NEW_RULE = minirules.ADDED_RULE


def fresh_post(url, body):
    # A new connection each time, so requests spread over the workers.
    return requests.post(url + "/v1/score", json=body, headers={"Connection": "close"}, timeout=10)


def rules_seen(url, text, times=40):
    seen = set()
    for _ in range(times):
        body = fresh_post(url, {"text": text}).json()
        seen.add((body["rules_version"], tuple(f["rule"] for f in body["findings"])))
    return seen


def test_reload_reaches_every_worker_and_invalid_rules_change_nothing(tmp_path, start_service):
    root = minirules.write(tmp_path / "rules")
    service = start_service(rules_dir=root, workers=3)
    assert len(service.worker_pids()) == 3
    text = "Please sign the zebra crossing petition"
    before = rules_seen(service.url, text)
    assert len(before) == 1
    old_version = next(iter(before))[0]
    assert next(iter(before))[1] == ()

    (root / "packs" / "main.yaml").write_text(minirules.MAIN + NEW_RULE)
    response = requests.post(service.url + "/admin/rules/reload", headers=AUTH, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["previous_version"] == old_version and body["rules_version"] != old_version
    assert body["propagation_seconds"] == 0
    # Every request after the 200, on any worker, is scored by the new rules.
    assert rules_seen(service.url, text) == {(body["rules_version"], ("main.added",))}
    new_version = body["rules_version"]

    (root / "packs" / "main.yaml").write_text(minirules.MAIN + NEW_RULE.replace("category: campaigning", "category: x"))
    (root / "packs" / "broken.yaml").write_text("pack: broken\nrules: [\n")
    response = requests.post(service.url + "/admin/rules/reload", headers=AUTH, timeout=30)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_rules"
    assert {p["file"] for p in error["problems"]} == {"packs/main.yaml", "packs/broken.yaml"}
    assert any(p["rule"] == "main.added" for p in error["problems"])
    assert rules_seen(service.url, text) == {(new_version, ("main.added",))}
    assert requests.get(service.url + "/healthz", timeout=5).json()["rules_version"] == new_version


def test_a_restarted_worker_serves_the_reloaded_rules(tmp_path, start_service):
    root = minirules.write(tmp_path / "rules")
    service = start_service(rules_dir=root, workers=2)
    (root / "packs" / "main.yaml").write_text(minirules.MAIN + NEW_RULE)
    version = requests.post(service.url + "/admin/rules/reload", headers=AUTH, timeout=30).json()["rules_version"]
    import os
    import signal

    victim = service.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (victim in service.worker_pids() or len(service.worker_pids()) < 2):
        time.sleep(0.05)
    assert {v for v, _ in rules_seen(service.url, "zebra crossing petition")} == {version}


CANARY = "Zq7canaryXv9"


def test_draft_text_never_reaches_logs_metrics_or_errors(tmp_path, start_service):
    log_path = tmp_path / "service.log"
    service = start_service(log_path=log_path, workers=2)
    url = service.url
    secret = f"Vote Labour {CANARY} now"
    bodies = []
    bodies.append(fresh_post(url, {"text": secret}))
    bodies.append(fresh_post(url, {"text": secret, "profile": "uk-civil-service", "context": {"election_period": True}}))
    bodies.append(fresh_post(url, {"text": secret * 2000}))  # over the limit: 413
    bodies.append(fresh_post(url, {"txt": secret}))
    bodies.append(fresh_post(url, {"text": [secret]}))
    bodies.append(fresh_post(url, {"text": secret, "context": {"account": secret}}))
    bodies.append(requests.post(url + "/v1/score", data='{"text": "' + secret + '"', timeout=5,
                                headers={"Content-Type": "application/json"}))
    bodies.append(requests.post(url + "/v1/score", data=secret, headers={"Content-Type": "text/plain"}, timeout=5))
    bodies.append(requests.post(url + "/v1/score", data=("\ud800" + secret).encode("utf-8", "surrogatepass"),
                                headers={"Content-Type": "application/json"}, timeout=5))
    bodies.append(requests.post(url + "/admin/rules/reload", headers={"Authorization": f"Bearer {CANARY}"}, timeout=5))
    assert [r.status_code for r in bodies] == [200, 200, 413, 400, 400, 400, 400, 415, 400, 401]
    for response in bodies[2:]:
        assert CANARY not in response.text
    metrics = requests.get(url + "/metrics", timeout=5).text
    assert CANARY not in metrics
    service.stop()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert '"event": "request"' in log  # the log is really written, at debug level
    assert CANARY not in log
    assert "Labour" not in log


OPENAPI_CASES = [
    ("post", "/v1/score", {"json": {"text": "Vote Labour 😀"}}, 200),
    ("post", "/v1/score", {"json": {"text": ""}}, 200),
    ("post", "/v1/score", {"json": {}}, 400),
    ("post", "/v1/score", {"data": "x", "headers": {"Content-Type": "text/plain"}}, 415),
    ("post", "/v1/score", {"json": {"text": "a" * 20001}}, 413),
    ("get", "/v1/rules", {}, 200),
    ("get", "/healthz", {}, 200),
    ("get", "/readyz", {}, 200),
    ("post", "/admin/rules/reload", {"headers": AUTH}, 200),
    ("post", "/admin/rules/reload", {}, 401),
]


def _schema_for(spec, path, method, status):
    content = spec["paths"][path][method]["responses"][str(status)].get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else {**schema, "components": spec["components"]}


def test_openapi_describes_the_real_responses(service_url):
    spec = requests.get(service_url + "/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.1")
    for method, path, kwargs, status in OPENAPI_CASES:
        assert path in spec["paths"] and method in spec["paths"][path]
        response = getattr(requests, method)(service_url + path, timeout=10, **kwargs)
        assert response.status_code == status, (method, path)
        schema = _schema_for(spec, path, method, status)
        if schema is not None:
            schema = json.loads(json.dumps(schema).replace("#/components/", "#/components/"))
            jsonschema.Draft202012Validator(schema).validate(response.json())


def test_metrics_merge_every_worker(service_url):
    for _ in range(20):
        fresh_post(service_url, {"text": "Vote Labour"})
    text = requests.get(service_url + "/metrics", timeout=5).text
    line = next(l for l in text.splitlines()
                if l.startswith('impartial_requests_total{endpoint="/v1/score",method="POST",status="200"}'))
    assert float(line.split()[-1]) >= 20


def test_bad_tokens_are_throttled_across_every_worker(tmp_path, start_service):
    service = start_service(rules_dir=minirules.write(tmp_path / "rules"), workers=3)
    statuses = [requests.post(service.url + "/admin/rules/reload", headers={"Authorization": "Bearer nope",
                                                                            "Connection": "close"}, timeout=5).status_code
                for _ in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    response = requests.post(service.url + "/admin/rules/reload", headers=AUTH, timeout=5)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
