#!/usr/bin/env bash
# Builds the store packages from extension/ (one source, no build step):
#   dist/impartial-chrome-<version>.zip   background.service_worker only
#   dist/impartial-firefox-<version>.zip  background.scripts only, with browser_specific_settings
# Each gets a manifest trimmed to what that browser reads; the zips are reproducible
# (sorted entries, fixed timestamps). Then the Firefox package is linted with web-ext.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist

python3 - <<'PY'
import json
import zipfile
from pathlib import Path

src = Path("extension")
manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
version = manifest["version"]
files = sorted(p for p in src.rglob("*") if p.is_file() and p.name != "README.md" and p.name != "manifest.json")


def build(target, trimmed):
    out = Path("dist") / f"impartial-{target}-{version}.zip"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        entries = [("manifest.json", (json.dumps(trimmed, indent=2, ensure_ascii=False) + "\n").encode())]
        entries += [(p.relative_to(src).as_posix(), p.read_bytes()) for p in files]
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    print(f"{out} ({out.stat().st_size} bytes, {len(entries)} files)")


chrome = json.loads(json.dumps(manifest))
chrome["background"] = {"service_worker": manifest["background"]["service_worker"]}
chrome.pop("browser_specific_settings", None)
build("chrome", chrome)

firefox = json.loads(json.dumps(manifest))
firefox["background"] = {"scripts": manifest["background"]["scripts"]}
build("firefox", firefox)
PY

if [ -x node_modules/.bin/web-ext ]; then
  version=$(python3 -c 'import json; print(json.load(open("extension/manifest.json"))["version"])')
  rm -rf dist/.firefox-lint && mkdir -p dist/.firefox-lint
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "dist/impartial-firefox-$version.zip" dist/.firefox-lint
  NO_UPDATE_NOTIFIER=1 node_modules/.bin/web-ext lint --source-dir dist/.firefox-lint --self-hosted
  rm -rf dist/.firefox-lint
fi
