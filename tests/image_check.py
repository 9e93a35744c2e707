"""The built container image, run for real: `make image-test` builds it, then runs this file.

Container runtimes cannot start a container on these machines, so the image's own
command runs under `buildah run --isolation chroot`, on the host's network, with the
rules mounted at /rules as a deployment mounts them. Not collected by `make test`
(the file name is not test_*.py): it needs the image that `make image` builds.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from service.rules import directory_version
from tests.conftest import RULES, free_port

IMAGE = os.environ.get("IMPARTIAL_IMAGE", "localhost/impartial:dev")
TOKEN = "image-test-admin-token-7c1e5a0b9d2f4e6a8b3c"  # 32+ characters, no whitespace
SKIP_ON_DISK = ("tmp", "dev", "proc", "sys", "run")


def buildah(*args, check=True):
    return subprocess.run(["buildah", *args], capture_output=True, text=True, check=check).stdout.strip()


def wait_until(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


class Container:
    """The image's CMD run under buildah's chroot isolation; stopped and removed by stop()."""

    def __init__(self, rules_dir, env):
        self.name = f"impartial-image-test-{os.getpid()}"
        buildah("rm", self.name, check=False)
        self.ctr = buildah("from", "--quiet", "--name", self.name, IMAGE)
        self.root = Path(buildah("mount", self.ctr))
        self.config = json.loads(buildah("inspect", "--type", "image", IMAGE))["Docker"]["config"]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="impartial-image-", suffix=".log", delete=False)
        self.started = time.time()
        options = ["--isolation", "chroot", "--volume", f"{rules_dir}:/rules:ro", "--env", f"PORT={self.port}"]
        for key, value in env.items():
            options += ["--env", f"{key}={value}"]
        self.proc = subprocess.Popen(["buildah", "run", *options, self.ctr, "--", *self.config["Cmd"]],
                                     stdout=self.log, stderr=self.log, start_new_session=True)

    def output(self):
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def master_pid(self):
        found = re.search(r"Listening at: \S+ \((\d+)\)", self.output())
        return int(found.group(1)) if found else None

    def stop(self):
        if self.proc.poll() is None:
            pid = self.master_pid()
            if pid:
                os.kill(pid, signal.SIGTERM)  # gunicorn's own graceful stop
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def written_outside_tmp(self):
        """Files the service wrote in the image's root filesystem, other than under /tmp."""
        written = []
        for top in self.root.iterdir():
            if top.name in SKIP_ON_DISK:
                continue
            paths = [top] if top.is_file() else top.rglob("*")
            for path in paths:
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime > self.started:
                    written.append("/" + str(path.relative_to(self.root)))
        # buildah itself writes these into the container before the command starts.
        return sorted(set(written) - {"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"})

    def remove(self):
        buildah("umount", self.ctr, check=False)
        buildah("rm", self.ctr, check=False)
        os.unlink(self.log.name)


@pytest.fixture(scope="module")
def rules_dir():
    """A copy of the bundled rules, readable by the image's unprivileged user."""
    target = Path(tempfile.mkdtemp(prefix="impartial-image-rules-"))
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("tests"), dirs_exist_ok=True)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield target
    shutil.rmtree(target, ignore_errors=True)


@pytest.fixture(scope="module")
def container(rules_dir):
    container = Container(rules_dir, {
        "WORKERS": "2", "IMPARTIAL_ADMIN_TOKEN": TOKEN, "IMPARTIAL_RULES_POLL_SECONDS": "1",
    })
    try:
        if not wait_until(lambda: requests.get(container.url + "/readyz", timeout=2).ok):
            container.stop()
            pytest.fail("the service in the image did not become ready:\n" + container.output()[-3000:])
        yield container
    finally:
        container.stop()
        container.remove()


def test_the_image_is_configured_for_deployment():
    config = json.loads(buildah("inspect", "--type", "image", IMAGE))["Docker"]["config"]
    assert config["User"] == "10001:10001"
    assert config["Cmd"] == ["gunicorn", "-c", "service/gunicorn_conf.py", "service:create_app()"]
    assert "/readyz" in " ".join(config["Healthcheck"]["Test"])
    assert "IMPARTIAL_RULES_DIR=/rules" in config["Env"]


def test_healthz_and_readyz_name_the_mounted_rules(container, rules_dir):
    version = directory_version(rules_dir)
    assert requests.get(container.url + "/healthz", timeout=5).json() == {"status": "ok", "rules_version": version}
    assert requests.get(container.url + "/readyz", timeout=5).json() == {"status": "ready", "rules_version": version}


def test_score_answers_from_the_image(container):
    response = requests.post(container.url + "/v1/score", json={"text": "Everyone should vote Labour on Thursday"},
                             timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["warn"] is True
    assert "party_political" in {f["category"] for f in body["findings"]}
    bad = requests.post(container.url + "/v1/score", json={}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "missing_field"


def test_a_rule_change_on_the_mount_is_picked_up_by_polling(container, rules_dir):
    before = requests.get(container.url + "/healthz", timeout=5).json()["rules_version"]
    guidance = rules_dir / "guidance.yaml"
    guidance.write_text(guidance.read_text(encoding="utf-8") + "# rolled out by the image test\n", encoding="utf-8")
    after = directory_version(rules_dir)
    assert after != before
    assert wait_until(lambda: requests.get(container.url + "/healthz", timeout=5).json()["rules_version"] == after)


def test_admin_reload_takes_the_token_from_the_environment(container):
    denied = requests.post(container.url + "/admin/rules/reload", headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert denied.status_code == 401
    response = requests.post(container.url + "/admin/rules/reload", headers={"Authorization": f"Bearer {TOKEN}"},
                             timeout=30)
    assert response.status_code == 200
    assert response.json()["rules_version"] == requests.get(container.url + "/readyz", timeout=5).json()["rules_version"]


def test_metrics_are_served(container):
    text = requests.get(container.url + "/metrics", timeout=5).text
    assert "impartial_requests_total" in text


def test_the_service_writes_nothing_outside_tmp(container):
    requests.post(container.url + "/v1/score", json={"text": "A quiet day at the office"}, timeout=10)
    assert container.written_outside_tmp() == []
    # The scan sees writes made in the container: one made as root is found.
    buildah("run", "--isolation", "chroot", "--user", "0:0", container.ctr, "--", "python", "-c",
            "open('/etc/impartial-image-test', 'w').close()")
    assert container.written_outside_tmp() == ["/etc/impartial-image-test"]
