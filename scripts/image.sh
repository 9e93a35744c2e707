#!/usr/bin/env bash
# Builds the container image with Debian's buildah, as `make image` and `make image-test` do.
#
# No image registry is reachable on these machines, so the base image is made here from
# Debian's packages (debootstrap, cached as a tarball under build/image/) and the Python
# wheels come from a wheelhouse that pip download fills on the host (build/wheelhouse/).
# The Dockerfile itself is the one any organisation builds with `docker build`.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/impartial:dev}
BASE=${BASE:-localhost/impartial-base:bookworm}
PYTHON=${PYTHON:-.venv/bin/python}
CACHE=build/image
WHEELS=build/wheelhouse
BASE_TAR=$CACHE/debian-bookworm-minbase.tar

log() { printf 'image: %s\n' "$*" >&2; }

ensure_tools() {
    command -v buildah >/dev/null && command -v debootstrap >/dev/null && return
    if [ "$(id -u)" != 0 ]; then
        log "buildah and debootstrap are needed (apt-get install buildah debootstrap)"; exit 1
    fi
    # Another apt-get may hold the lock on a shared machine: wait for it rather than fail.
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
        buildah debootstrap >/dev/null
}

# The Debian mirror this machine's apt already uses (debootstrap's default otherwise).
debian_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
    local sources=/etc/apt/sources.list.d/debian.sources
    if [ -r "$sources" ]; then
        awk '/^URIs:/ {print $2; exit}' "$sources"
    elif [ -r /etc/apt/sources.list ]; then
        awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list
    fi
}

base_tarball() {
    [ -s "$BASE_TAR" ] && return
    local root=$CACHE/rootfs.tmp
    rm -rf "$root"; mkdir -p "$CACHE"
    log "debootstrap bookworm (minbase, python3, python3-venv) into $root"
    # shellcheck disable=SC2046  # an empty mirror means debootstrap's default
    debootstrap --variant=minbase --include=python3,python3-venv bookworm "$root" $(debian_mirror) >"$CACHE/debootstrap.log"
    # Package caches, lists and documentation are of no use in an image.
    rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
    tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
        -C "$root" -cf "$BASE_TAR.tmp" .
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    rm -rf "$root"
}

base_image() {
    buildah inspect --type image "$BASE" >/dev/null 2>&1 && return
    base_tarball
    log "importing $BASE_TAR as $BASE"
    local ctr
    ctr=$(buildah from scratch)
    buildah add --quiet "$ctr" "$BASE_TAR" / >/dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --cmd /bin/bash "$ctr"
    buildah commit --quiet --rm "$ctr" "$BASE" >/dev/null
}

wheelhouse() {
    [ -f "$WHEELS/.stamp" ] && [ "$WHEELS/.stamp" -nt pyproject.toml ] && return
    # The image's Python is Debian bookworm's 3.11: the host's must match to pick its wheels.
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
        log "$PYTHON is not Python 3.11, the image's; set PYTHON to a 3.11 interpreter"; exit 1; }
    log "pip download into $WHEELS"
    rm -rf "$WHEELS"; mkdir -p "$WHEELS"
    "$PYTHON" -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        >"$CACHE/requirements.txt"
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
        --dest "$WHEELS" --requirement "$CACHE/requirements.txt" 2>&1 | { grep -v 'is ignored: it is neither' || true; } >&2
    touch "$WHEELS/.stamp"
}

mkdir -p "$CACHE"
wheelhouse
[ "${1:-}" = wheelhouse ] && exit 0
ensure_tools
base_image
started=$(date +%s)
buildah bud --quiet --isolation chroot --format docker --layers \
    --build-arg BASE_IMAGE="$BASE" --tag "$IMAGE" . >"$CACHE/build.log"
size=$(buildah images --format '{{.Size}}' "$IMAGE" | head -n 1)
log "$IMAGE built in $(( $(date +%s) - started )) s (Dockerfile steps only); size $size"
