#!/usr/bin/env bash
# deploy/deps.sh — installs the Debian 12 packages daftar needs to build,
# run and test, and nothing when they are all there. Idempotent.
set -euo pipefail

PACKAGES=(
    build-essential meson ninja-build pkg-config
    libh2o-evloop-dev libpq-dev libjansson-dev libjwt-dev libssl-dev openssl zlib1g-dev
    postgresql-15 postgresql-client-15
    python3 python3-pytest python3-httpx python3-h2 python3-yaml python3-jwt python3-cryptography
    nghttp2-client oathtool clang libclang-rt-14-dev curl jq testssl.sh
    haproxy nginx
)

missing=()
for p in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: missing ${missing[*]}; run as root or install sudo" >&2; exit 1; }
    SUDO=(sudo)
fi
echo "deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
