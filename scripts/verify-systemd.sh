#!/usr/bin/env bash
# Checks systemd/passread.service with `systemd-analyze verify` (and prints its exposure score
# from `systemd-analyze security`).
#
# verify insists that ExecStart's binary exists and is executable, and resolves the unit's
# dependencies (sysinit.target, ...). So the unit is checked inside a throw-away root laid out
# as the package installs it: the system's own unit files, the unit at
# /usr/lib/systemd/system/passread.service, and a real passread binary at /usr/bin/passread
# (copied from a build: argument 1, or the newest of the aarch64/native builds; a native
# `cargo build --release` if there is none). Installs systemd if systemd-analyze is missing.
#
#   scripts/verify-systemd.sh [path/to/passread]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null; then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends systemd
fi

target_dir=${CARGO_TARGET_DIR:-target}
bin=${1:-}
if [[ -z $bin ]]; then
    for candidate in "$target_dir/aarch64-unknown-linux-gnu/release/passread" \
        "$target_dir/release/passread" "$target_dir/debug/passread"; do
        if [[ -x $candidate && ( -z $bin || $candidate -nt $bin ) ]]; then bin=$candidate; fi
    done
fi
if [[ -z $bin ]]; then
    cargo build --locked --release
    bin=$target_dir/release/passread
fi
[[ -x $bin ]] || { echo "verify-systemd: $bin is not an executable" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd" "$root/usr/bin" "$root/etc/passread"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
install -m 644 systemd/passread.service "$root/usr/lib/systemd/system/passread.service"
install -m 755 "$bin" "$root/usr/bin/passread"
install -m 640 board/passread.toml "$root/etc/passread/passread.toml"

echo "verify-systemd: systemd $(systemd-analyze --version | head -n1 | cut -d' ' -f2), binary $bin"
# verify prints nothing and exits 0 when the unit is clean; any warning is made an error here.
out=$(systemd-analyze verify --root="$root" passread.service 2>&1) || { echo "$out" >&2; exit 1; }
if [[ -n $out ]]; then
    echo "$out" >&2
    echo "verify-systemd: warnings (above)" >&2
    exit 1
fi
echo "verify-systemd: systemd-analyze verify passread.service: OK"

if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    systemd-analyze security --no-pager --offline=yes --root="$root" passread.service | tail -n 1
fi
