#!/usr/bin/env bash
# Creates <repo>/.venv-train with the pinned training requirements and installs the
# OCR-B fonts (Debian fonts-ocr-b) and DejaVu Sans Mono if they are missing.
# Idempotent: re-running only installs what is missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/.venv-train"
PY="${PYTHON:-python3}"

need_fonts=0
[ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] || need_fonts=1
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need_fonts=1
if [ "$need_fonts" = 1 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y fonts-ocr-b fonts-dejavu-core
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" - "$HERE/requirements.txt" <<'PYEOF'
import sys, importlib.metadata as md
ok = True
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, ver = line.split("==")
    try:
        ok &= md.version(name) == ver
    except md.PackageNotFoundError:
        ok = False
sys.exit(0 if ok else 1)
PYEOF
then
  "$VENV/bin/pip" install --disable-pip-version-check -r "$HERE/requirements.txt"
fi
echo "ready: $VENV"
