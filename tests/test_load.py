"""Rules under load and across instances, against real gunicorn processes on loopback."""
import os
import signal
import subprocess
import time

import pytest
import requests

from service.rules import directory_version
from tests import minirules
from tests.conftest import ADMIN_TOKEN

pytestmark = pytest.mark.slow
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TEXT = "Please sign the zebra crossing petition"

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"text": "%s"}'
wrk.headers["Content-Type"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) total = 0; bad = 0; mixed = 0 end
function response(status, headers, body)
  total = total + 1
  if status ~= 200 then bad = bad + 1; return end
  local version = body:match('"rules_version":"(%%w+)"')
  local added = body:find("main.added", 1, true) ~= nil
  if not ((version == os.getenv("WITH_RULE") and added) or (version == os.getenv("WITHOUT_RULE") and not added)) then
    mixed = mixed + 1
  end
end
function done(summary, latency, requests)
  local t, b, m = 0, 0, 0
  for _, thread in ipairs(threads) do
    t = t + thread:get("total"); b = b + thread:get("bad"); m = m + thread:get("mixed")
  end
  io.write(string.format("RESULT total=%%d bad=%%d mixed=%%d errors=%%d\\n", t, b, m,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
""" % TEXT


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_reload_under_load_fails_no_request_and_never_mixes_versions(tmp_path, start_service):
    root = minirules.write(tmp_path / "rules")
    without_rule = directory_version(root)
    (root / "packs" / "main.yaml").write_text(minirules.MAIN + minirules.ADDED_RULE)
    with_rule = directory_version(root)
    (root / "packs" / "main.yaml").write_text(minirules.MAIN)
    service = start_service(rules_dir=root, workers=2, env={"LOG_LEVEL": "warning"})
    script = tmp_path / "check.lua"
    script.write_text(WRK_SCRIPT)
    env = dict(os.environ, WITH_RULE=with_rule, WITHOUT_RULE=without_rule)
    wrk = subprocess.Popen(["wrk", "-t2", "-c8", "-d60s", "-s", str(script), service.url + "/v1/score"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    statuses = []
    try:
        assert wait_until(lambda: requests.get(service.url + "/healthz", timeout=5).ok)
        for attempt in range(40):
            if attempt % 2 == 0:
                text = minirules.MAIN + (minirules.ADDED_RULE if attempt % 4 == 0 else "")
                (root / "packs" / "main.yaml").write_text(text)
            else:
                (root / "packs" / "broken.yaml").write_text("pack: broken\nrules: [\n")
            statuses.append(requests.post(service.url + "/admin/rules/reload", headers=AUTH, timeout=30).status_code)
            (root / "packs" / "broken.yaml").unlink(missing_ok=True)
    finally:
        wrk.send_signal(signal.SIGINT)
        output, _ = wrk.communicate(timeout=60)
    assert statuses == [200, 422] * 20
    result = next(line for line in output.splitlines() if line.startswith("RESULT"))
    fields = dict(pair.split("=") for pair in result.split()[1:])
    assert int(fields["total"]) > 100, output
    assert (fields["bad"], fields["mixed"], fields["errors"]) == ("0", "0", "0"), output


def test_instances_sharing_a_directory_converge_by_polling(tmp_path, start_service):
    root = minirules.write(tmp_path / "rules")
    log_path = tmp_path / "b.log"
    env = {"IMPARTIAL_RULES_POLL_SECONDS": "0.2"}
    first = start_service(rules_dir=root, workers=2, env=env)
    second = start_service(rules_dir=root, workers=2, env=env, log_path=log_path)
    start_version = directory_version(root)

    def versions():
        return {requests.get(s.url + "/healthz", headers={"Connection": "close"}, timeout=5).json()["rules_version"]
                for s in (first, second) for _ in range(4)}

    assert versions() == {start_version}
    (root / "packs" / "main.yaml").write_text(minirules.MAIN + minirules.ADDED_RULE)
    new_version = directory_version(root)
    assert wait_until(lambda: versions() == {new_version})
    body = requests.post(second.url + "/v1/score", json={"text": TEXT}, timeout=5).json()
    assert [f["rule"] for f in body["findings"]] == ["main.added"]

    (root / "packs" / "broken.yaml").write_text("pack: broken\nrules: [\n")
    assert wait_until(lambda: "rules_refused" in log_path.read_text(errors="replace"))
    assert versions() == {new_version}
    # The admin endpoint refuses the same content, and the old rules stay.
    response = requests.post(first.url + "/admin/rules/reload", headers=AUTH, timeout=30)
    assert response.status_code == 422
    assert versions() == {new_version}
