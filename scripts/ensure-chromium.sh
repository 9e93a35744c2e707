#!/usr/bin/env bash
# Installs Debian packages the tests need (default: chromium) when running as root and missing.
# Browsers come from Debian only: never `playwright install`.
set -euo pipefail
pkgs=("${@:-chromium}")
missing=()
for p in "${pkgs[@]}"; do
  command -v "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
