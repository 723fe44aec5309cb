#!/usr/bin/env bash
# deploy/deps.sh — installs the Debian 12 packages daftar needs to build,
# run and test, then the pinned npm packages of deploy/web (the /docs page's
# Swagger UI, embedded at build time, and the contract's linter) with npm ci
# from its package-lock.json; nothing when they are all there. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    build-essential meson ninja-build pkg-config
    libh2o-evloop-dev libpq-dev libjansson-dev libjwt-dev libssl-dev openssl zlib1g-dev libbrotli-dev libcurl4-openssl-dev
    postgresql-15 postgresql-client-15
    python3 python3-pytest python3-pytest-xdist python3-httpx python3-h2 python3-yaml python3-jwt python3-cryptography python3-brotli
    nghttp2-client oathtool clang libclang-rt-14-dev curl jq testssl.sh
    haproxy nginx chromium python3-websocket
    patroni etcd-server etcd-client pgbackrest
    libpango1.0-dev libcairo2-dev fonts-noto-core poppler-utils
)
# Node.js and npm: Debian's, unless a node is installed already (NodeSource's carries its own npm)
command -v npm >/dev/null || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#PACKAGES[@]} packages present"
else
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "deps: missing ${missing[*]}; run as root or install sudo" >&2; exit 1; }
        SUDO=(sudo)
    fi
    echo "deps: installing ${missing[*]}"
    "${SUDO[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci when package-lock.json changed since the last install (its digest is kept beside the
# packages). No install scripts: swagger-ui-dist's dependency @scarf/scarf would report the
# install to its vendor; nothing here needs one. No telemetry from the linter either.
lock=deploy/web/package-lock.json
stamp=deploy/web/node_modules/.daftar-lock-sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "deps: npm ci in deploy/web"
    (cd deploy/web && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
fi
