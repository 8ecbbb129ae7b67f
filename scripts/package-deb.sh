#!/usr/bin/env bash
# Builds the Raspberry Pi (arm64) Debian package with cargo-deb ([package.metadata.deb] in
# Cargo.toml), shows its control data and contents, and runs the packaged binary once under
# qemu-aarch64 as a smoke test. Prints the .deb's path last.
#
#   scripts/package-deb.sh            # → <target dir>/debian/passread_<version>-1_arm64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
target=aarch64-unknown-linux-gnu

scripts/setup-arm.sh
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked
fi

start=$SECONDS
# cargo-deb builds `cargo build --release --target $target` itself, then packages.
deb=$(cargo deb --locked --target "$target" "$@" | tail -n 1)
[[ -f $deb ]] || { echo "package-deb: cargo deb produced no package" >&2; exit 1; }
echo "package-deb: built in $((SECONDS - start)) s: $deb ($(du -h "$deb" | cut -f1))"

echo "--- control"
dpkg-deb --info "$deb"
echo "--- contents"
dpkg-deb --contents "$deb"

# Smoke test: the packaged binary (not the build tree's) runs on arm64 and reads a zone.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb --extract "$deb" "$root"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$root/usr/bin/passread" --version
out=$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$root/usr/bin/passread" parse-mrz \
    'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F1204159ZE184226B<<<<<10')
grep -q '"surname": "ERIKSSON"' <<<"$out" || { echo "package-deb: unexpected output: $out" >&2; exit 1; }
echo "package-deb: packaged binary runs under qemu-aarch64"
echo "$deb"
