#!/usr/bin/env bash
# Installs what cross-compiling and testing passread for ARM needs on Debian 12 (bookworm),
# without Docker: Debian's cross gcc and libc for arm64 and armhf (used as linkers, and as the
# sysroot qemu-user loads the dynamic loader from), qemu-user (+ its binfmt_misc descriptions,
# which scripts/test-arm.sh registers so tests can spawn ARM child processes), libclang
# (bindgen, for v4l2-sys-mit) and the two Rust targets. Idempotent: installs only what is missing. Run as root, or with sudo
# available.
set -euo pipefail

packages=(
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross linux-libc-dev-armhf-cross
    qemu-user qemu-user-binfmt libclang-dev clang
)
targets=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
    echo "setup-arm: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "setup-arm: Debian packages present"
fi

installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
    if ! grep -qx "$t" <<<"$installed"; then
        echo "setup-arm: rustup target add $t"
        rustup target add "$t"
    fi
done
echo "setup-arm: ready ($(aarch64-linux-gnu-gcc -dumpversion), $(qemu-aarch64 --version | head -n1))"
