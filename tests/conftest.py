"""Shared fixtures: the app and client (flaskr style), and real gunicorn services over HTTP."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service import create_app

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "shared-rules"
ADMIN_TOKEN = "test-admin-token-4f9c-0123456789abcdef"


def load_rules(root):
    """The rule set a rules directory compiles to, examples and model golden cases checked."""
    from service import engine
    from service.rules import load_documents

    version, _, docs = load_documents(root)
    return engine.build(version, docs)


def refusals(root):
    """The problems (as dicts) for which a rules directory is refused; fails if it loads."""
    from service.rules import RulesError

    with pytest.raises(RulesError) as caught:
        load_rules(root)
    return [p.as_dict() for p in caught.value.problems]


@pytest.fixture(scope="session")
def rules_dir():
    """The bundled rules directory."""
    return RULES


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of the bundled rules that a test may edit."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("tests"))
    return target


@pytest.fixture
def app(tmp_path):
    """An app over the bundled rules, with admin endpoints on."""
    app = create_app({"TESTING": True, "ADMIN_TOKEN": ADMIN_TOKEN, "RULES_DIR": str(RULES),
                      "RUNTIME_DIR": str(tmp_path / "runtime")})
    yield app
    app.extensions["impartial.store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def ruleset():
    """The bundled rules compiled once, for engine tests."""
    from service import engine
    from service.rules import load_documents

    version, _, docs = load_documents(RULES)
    return engine.build(version, docs)


@pytest.fixture(scope="session")
def rules_only(ruleset):
    """The bundled rules without the model: golden cases pin what the rules alone find."""
    from service import engine

    docs = {rel: doc for rel, doc in ruleset.docs.items() if not rel.startswith("model/")}
    return engine.build(ruleset.version, docs, check_examples=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """A real gunicorn process serving the app, as `make run` starts it."""

    def __init__(self, rules_dir=RULES, workers=2, env=None, log_path=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        environment = dict(os.environ)
        environment.pop("IMPARTIAL_RUNTIME_DIR", None)
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        environment.update({"PORT": str(self.port), "WORKERS": str(workers), "IMPARTIAL_RULES_DIR": str(rules_dir),
                            "IMPARTIAL_ADMIN_TOKEN": ADMIN_TOKEN, "LOG_LEVEL": "debug"})
        environment.update(env or {})
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "service" / "gunicorn_conf.py"), "service:create_app()"],
            cwd=ROOT, env=environment, stdout=self._log, stderr=self._log, start_new_session=True)
        self._wait_ready(workers)

    def _wait_ready(self, workers):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                requests.get(self.url + "/healthz", timeout=1).raise_for_status()
                if len(self.worker_pids()) >= workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()


@pytest.fixture(scope="session")
def service_url():
    """Base URL of a real gunicorn service (2 workers) over the bundled rules."""
    service = Service()
    yield service.url
    service.stop()


@pytest.fixture
def start_service():
    """Start further real services: start_service(rules_dir=..., workers=..., env=..., log_path=...)."""
    started = []

    def start(**kwargs):
        service = Service(**kwargs)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()
