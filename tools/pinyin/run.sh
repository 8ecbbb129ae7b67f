#!/usr/bin/env bash
# Regenerates src/chinese/pinyin.txt (the hanzi → pinyin table the name check uses) and
# src/chinese/name_freq.txt (how often each hanzi occurs in given names) in its own
# virtualenv with the pinned pypinyin and ngender. Idempotent; the output is byte-identical for a given pin.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${PASSREAD_PINYIN_VENV:-$REPO/.venv-pinyin}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
"$VENV/bin/python" "$HERE/make_table.py"
"$VENV/bin/python" "$HERE/make_name_freq.py"
