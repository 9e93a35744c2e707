"""Hostile clients against a real gunicorn: framing errors, slow sockets, crafted texts, budget, logs."""
import json
import socket
import threading
import time

import pytest
import requests

from tests.conftest import Service

pytestmark = pytest.mark.slow
HEAD = b"POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    log_path = home / "service.log"
    service = Service(workers=2, log_path=log_path, env={"READ_TIMEOUT": "2", "HOME": str(home), "IMPARTIAL_TIME_BUDGET_MS": "60000",
                                                         "XDG_RUNTIME_DIR": str(home)})
    service.home, service.log_path = home, log_path
    yield service
    service.stop()


def exchange(port, data, wait=15.0):
    """Send raw bytes, read until the server closes or answers in full: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(received):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _length(received):
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for line in head.split("\r\n"):
        if line.startswith("content-length:"):
            return int(line.split(":")[1])
    return 1 << 30


def _chunks(*pieces):
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


FRAMING = [
    pytest.param(b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, "bad_request", id="header-no-colon"),
    pytest.param(b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long", id="long-request-line"),
    pytest.param(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(60)) + b"\r\n",
                 431, "headers_too_large", id="too-many-headers"),
    pytest.param(b"BR@KEN /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request", id="bad-method"),
    pytest.param(b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400, "bad_request", id="bad-version"),
    pytest.param(HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400, "invalid_body",
                 id="chunk-size-not-hex"),
    pytest.param(HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":xx\r\n0\r\n\r\n", 400, "invalid_body",
                 id="chunk-longer-than-its-size"),
    pytest.param(HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + _chunks(*[b" " * 60000] * 4),
                 413, "payload_too_large", id="chunked-over-the-limit"),
    pytest.param(HEAD + b"Content-Length: 300000\r\n\r\n{}", 413, "payload_too_large", id="declared-over-the-limit"),
    pytest.param(HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + _chunks(b'{"text": "Vote Labour"}'),
                 200, None, id="chunked-fine"),
]


@pytest.mark.parametrize(("data", "status", "code"), FRAMING)
def test_framing_errors_are_answered_as_json(served, data, status, code):
    got, headers, body = exchange(served.port, data)
    assert got == status
    assert headers["content-type"].startswith("application/json")
    if code:
        assert json.loads(body)["error"]["code"] == code


CRAFTED = [
    pytest.param("DEI Tories " + "said " * 2000 + "!?" * 5000, id="reported-speech-20000"),
    pytest.param("Labour. " * 2500, id="labour-sentences-20000"),
    pytest.param("😀 Vote Labour " * 1400, id="emoji"),
    pytest.param("שלום Vote Labour עולם " * 900, id="rtl"),
    pytest.param("Vote\u00a0Labour\u00a0" * 1400, id="nbsp"),
    pytest.param("Proud to be out leafleting for Labour \ud800 this weekend!", id="lone-surrogate-in-a-finding"),
]


@pytest.mark.parametrize("text", CRAFTED)
def test_crafted_texts_are_scored(served, text):
    response = requests.post(served.url + "/v1/score", data=json.dumps({"text": text[:20000]}), timeout=60,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["findings"]


def test_a_spent_budget_answers_503_and_frees_the_worker(start_service):
    service = start_service(workers=1, env={"IMPARTIAL_TIME_BUDGET_MS": "1"})
    response = requests.post(service.url + "/v1/score", json={"text": "DEI Tories " + "said " * 2000 + "!?" * 4000},
                             timeout=60)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "over_time_budget" and int(response.headers["Retry-After"]) >= 1
    assert requests.get(service.url + "/healthz", timeout=10).status_code == 200
    metrics = requests.get(service.url + "/metrics", timeout=10).text
    assert 'impartial_over_time_budget_total{endpoint="/v1/score"} 1.0' in metrics


def test_slow_and_idle_clients_do_not_starve_the_others(served):
    # Twice as many sockets as the server has threads: with stock gthread these would hold every thread.
    sockets, stop = [], threading.Event()
    for index in range(20):
        sock = socket.create_connection(("127.0.0.1", served.port))
        sockets.append(sock)
        if index % 2 == 0:
            sock.send(HEAD[:10])

    def trickle():
        offset = 10
        while not stop.wait(0.5):
            for sock in sockets[::2]:
                try:
                    sock.send(HEAD[offset:offset + 1])
                except OSError:
                    pass
            offset = min(offset + 1, len(HEAD) - 1)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        statuses = [requests.post(served.url + "/v1/score", json={"text": "Vote Labour"}, timeout=30).status_code
                    for _ in range(20)]
    finally:
        stop.set()
        thread.join()
        for sock in sockets:
            sock.close()
    assert statuses == [200] * 20


def test_a_request_not_sent_in_time_gets_408_json_and_an_idle_socket_is_closed(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as partial, \
            socket.create_connection(("127.0.0.1", served.port), timeout=30) as idle:
        partial.sendall(HEAD[:20])
        answer = b""
        while True:
            chunk = partial.recv(65536)
            if not chunk:
                break
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "request_timeout"
        assert idle.recv(1) == b""  # closed without a word


def test_host_check_over_http(served):
    assert requests.get(served.url + "/metrics", headers={"Host": "evil.example"}, timeout=10).status_code == 400
    assert requests.get(served.url + "/healthz", headers={"Host": "10.0.0.7:8765"}, timeout=10).status_code == 200


def test_logs_carry_severity_and_no_access_log_or_control_socket(served):
    requests.post(served.url + "/v1/score?q=Zq7query", json={"text": "Vote Labour"}, timeout=10,
                  headers={"User-Agent": "Zq7agent", "Referer": "https://Zq7referer.example/"})
    time.sleep(0.5)  # the log line is written after the response
    lines = [json.loads(line) for line in served.log_path.read_text(errors="replace").splitlines()
             if line.startswith("{")]
    scored = [line for line in lines if line.get("event") == "request" and line.get("endpoint") == "/v1/score"
              and line["status"] == 200]
    assert scored and all(line["level"] == "info" and line["risk_level"] in ("none", "low", "medium", "high") for line in scored)
    text = served.log_path.read_text(errors="replace")
    assert "Zq7" not in text and "gunicorn.access" not in text
    assert not list(served.home.rglob("*.ctl"))
