#!/usr/bin/env bash
# passread synthetic data generator -- the one entry point.
#
#   tools/synth/run.sh [--seed N] [--count N] [--out DIR] [--kind KIND] [--difficulty D] [--max-side PX]
#   tools/synth/run.sh --preset eval        # evaluation set (seed 900001, 600 images) -> <repo>/eval-data
#   tools/synth/run.sh --preset fixtures    # committed test fixtures -> <repo>/tests/fixtures
#   tools/synth/run.sh selfcheck DIR...     # validate generated truth files
#
# Installs what it needs (idempotent, fast when already done): the fonts-ocr-b and fonts-noto-cjk Debian
# packages, and a virtualenv at <repo>/.venv-synth with the pinned tools/synth/requirements.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${PASSREAD_SYNTH_VENV:-$REPO/.venv-synth}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get install -y -q "$@" >/dev/null 2>&1; then
        $SUDO apt-get update -q >/dev/null
        $SUDO apt-get install -y -q "$@" >/dev/null
    fi
}

fonts_ok() {
    [ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] &&
    [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] &&
    [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ] &&
    [ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ]
}
if ! fonts_ok; then
    echo "passread_synth: installing fonts-ocr-b fonts-noto-cjk" >&2
    apt_install fonts-ocr-b fonts-noto-cjk
fi

REQ_HASH="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.passread-requirements" 2>/dev/null)" != "$REQ_HASH" ]; then
    echo "passread_synth: creating $VENV" >&2
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        apt_install python3-venv
        rm -rf "$VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "$REQ_HASH" > "$VENV/.passread-requirements"
fi

export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
if [ "${1:-}" = "selfcheck" ]; then
    shift
    exec "$VENV/bin/python" -m passread_synth.selfcheck "$@"
fi
exec nice -n 10 "$VENV/bin/python" -m passread_synth "$@"
