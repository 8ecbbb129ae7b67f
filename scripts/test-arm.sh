#!/usr/bin/env bash
# Builds and runs passread's whole test suite for 64-bit ARM (Raspberry Pi 4/5, Pi OS 64-bit)
# under qemu-aarch64, so tract's ARM kernels are checked against the same fixture readings as
# on x86; then builds the 32-bit ARM release (armv7, older Pi OS) and, if qemu-arm can run it,
# its test suite too. No Docker: Debian's cross gcc links, qemu-user runs (.cargo/config.toml).
#
# Both ARM release builds then read every still in tests/fixtures/stills (under qemu), as does
# a native x86 release build, and the outputs must be byte-identical (texts, check results and
# confidences): ARM readings the same as x86 ones, not merely as good.
#
#   scripts/test-arm.sh              # all of it
#   ARMV7_TESTS=0 scripts/test-arm.sh  # skip the (slow) armv7 test run
#   NATIVE_PASSREAD=path/to/passread scripts/test-arm.sh  # compare with this native build
#                                      # (same source) instead of building one
#
# tests/cli.rs spawns the passread binary: an ARM child process the kernel can only run through
# binfmt_misc. The script registers qemu's aarch64/arm descriptions from qemu-user-binfmt (a
# kernel-wide setting, needs root; harmless to x86 programs) when they are missing. Where that
# is impossible, tests/cli.rs is skipped on ARM, said so loudly, and everything else still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

scripts/setup-arm.sh

binfmt=/proc/sys/fs/binfmt_misc
enable_binfmt() { # $1 = qemu-aarch64 | qemu-arm
    [[ -e $binfmt/$1 ]] && return 0
    [[ $(id -u) -eq 0 ]] || return 1
    if [[ ! -e $binfmt/register ]]; then
        mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || return 1
    fi
    [[ -e $binfmt/$1 ]] && return 0
    cat "/usr/lib/binfmt.d/$1.conf" >"$binfmt/register" 2>/dev/null || return 1
    [[ -e $binfmt/$1 ]]
}

timings=()
timed() { # $1 = label; rest = command
    local label=$1 start=$SECONDS
    shift
    "$@"
    timings+=("$(printf '%-44s %4d s' "$label" $((SECONDS - start)))")
}

run_tests() { # $1 = target, $2 = binfmt name, $3 = sysroot
    local target=$1 skip=()
    if enable_binfmt "$2"; then
        # Children started through binfmt_misc get no -L: qemu reads the sysroot from here.
        export QEMU_LD_PREFIX=$3
    else
        echo "test-arm: WARNING: cannot register $2 with binfmt_misc: skipping tests/cli.rs on $target" >&2
        skip=(--lib --bins)
        for t in tests/*.rs; do
            t=$(basename "$t" .rs)
            if [[ $t != cli ]]; then skip+=(--test "$t"); fi
        done
    fi
    timed "$target: build tests" cargo test --locked --target "$target" --no-run
    # qemu-user does not emulate the termios2 ioctls (TCGETS2/TCSETS2, ENOSYS) that serialport
    # uses to set the baud rate, so the serial link cannot open its pty under emulation; those
    # tests run natively (scripts/test.sh) and on the Pi itself.
    timed "$target: run tests under ${2}" cargo test --locked --target "$target" "${skip[@]}" -- \
        --skip every_reading_arrives_once_in_order_through_a_flaky_controller \
        --skip garbage_from_the_controller_does_not_break_the_link \
        --skip link_comes_up_when_the_port_appears
    unset QEMU_LD_PREFIX
}

native_passread= # built or given once, compared against each ARM target
compare_readings() { # $1 = target, $2 = qemu, $3 = sysroot: ARM release under qemu vs native release
    local target=$1 target_dir=${CARGO_TARGET_DIR:-target} out rc start
    if [[ -z $native_passread ]]; then
        native_passread=${NATIVE_PASSREAD:-}
        if [[ -z $native_passread ]]; then
            timed "native: release build" cargo build --locked --release
            native_passread=$target_dir/release/passread
        fi
    fi
    timed "$target: release build" cargo build --locked --release --target "$target"
    out=$(mktemp -d)
    start=$SECONDS
    # `recognize` exits 1 when a file is not read (the set has negatives and broken files).
    rc=0; "$native_passread" recognize tests/fixtures/stills/* >"$out/native.jsonl" 2>/dev/null || rc=$?
    [[ $rc -le 1 ]] || { echo "test-arm: native recognize failed ($rc)" >&2; exit 1; }
    rc=0; "$2" -L "$3" "$target_dir/$target/release/passread" \
        recognize tests/fixtures/stills/* >"$out/arm.jsonl" 2>/dev/null || rc=$?
    [[ $rc -le 1 ]] || { echo "test-arm: $target recognize failed ($rc)" >&2; exit 1; }
    if ! diff "$out/native.jsonl" "$out/arm.jsonl"; then
        echo "test-arm: $target readings differ from native ones (above)" >&2
        exit 1
    fi
    timings+=("$(printf '%-44s %4d s' "$target: stills = native ($(wc -l <"$out/native.jsonl") files)" $((SECONDS - start)))")
    rm -rf "$out"
}

run_tests aarch64-unknown-linux-gnu qemu-aarch64 /usr/aarch64-linux-gnu
compare_readings aarch64-unknown-linux-gnu qemu-aarch64 /usr/aarch64-linux-gnu
compare_readings armv7-unknown-linux-gnueabihf qemu-arm /usr/arm-linux-gnueabihf
if [[ ${ARMV7_TESTS:-1} != 0 ]]; then
    run_tests armv7-unknown-linux-gnueabihf qemu-arm /usr/arm-linux-gnueabihf
fi

echo
echo "test-arm: all passed. Wall times:"
printf '  %s\n' "${timings[@]}"
