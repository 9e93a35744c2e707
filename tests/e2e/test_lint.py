"""`web-ext lint` (Mozilla's addons-linter, the pinned web-ext) finds no errors in the extension."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_EXT = ROOT / "node_modules" / ".bin" / "web-ext"
# The one warning the dual manifest must carry: Firefox ignores background.service_worker
# and runs background.scripts instead.
EXPECTED_WARNINGS = ["BACKGROUND_SERVICE_WORKER_IGNORED"]


def test_web_ext_lint_reports_no_errors():
    if not WEB_EXT.exists() or shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("web-ext is not installed: run `npm ci` (make test does)")
        pytest.skip("web-ext is not installed: run `npm ci`")
    env = {**os.environ, "NO_UPDATE_NOTIFIER": "1"}
    done = subprocess.run(
        [str(WEB_EXT), "lint", "--source-dir", str(ROOT / "extension"), "--self-hosted", "--output", "json"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120, check=False)
    report = json.loads(done.stdout)
    assert [(e["code"], e.get("file"), e["message"]) for e in report["errors"]] == []
    assert [w["code"] for w in report["warnings"]] == EXPECTED_WARNINGS
    assert report["notices"] == []
