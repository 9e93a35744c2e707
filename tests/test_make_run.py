"""`make run`, exactly as the README gives it, serves the API on the port asked for."""
import os
import signal
import subprocess
import time

import pytest
import requests

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow


def test_make_run_serves_the_api(tmp_path):
    port = free_port()
    env = dict(os.environ, PORT=str(port), WORKERS="2")
    for name in ("IMPARTIAL_RUNTIME_DIR", "PROMETHEUS_MULTIPROC_DIR", "IMPARTIAL_RULES_DIR"):
        env.pop(name, None)
    log = open(tmp_path / "make-run.log", "wb")
    proc = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env, stdout=log, stderr=log,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "make-run.log").read_text()
            try:
                health = requests.get(url + "/healthz", timeout=2).json()
                break
            except requests.RequestException:  # not listening yet, or slow on a busy machine
                assert time.monotonic() < deadline, "make run did not answer"
                time.sleep(0.1)
        assert health["status"] == "ok"
        body = requests.post(url + "/v1/score", json={"text": "Vote Labour on Thursday!"}, timeout=5).json()
        assert body["warn"] is True and body["rules_version"] == health["rules_version"]
        assert body["findings"][0]["match"] == "Vote Labour"
        assert requests.get(url + "/nowhere", timeout=5).json()["error"]["code"] == "not_found"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
