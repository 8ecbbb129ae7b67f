#!/usr/bin/env bash
# Generate the evaluation set (not committed): 600 images, half Chinese mainland passports, seed 900001,
# into <repo>/eval-data (override with --out DIR). Seeds >= 900000 are never used for training.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/run.sh" --preset eval "$@"
OUT="$(cd "$HERE/../.." && pwd)/eval-data"
for ((i = 1; i <= $#; i++)); do
    if [ "${!i}" = "--out" ]; then j=$((i + 1)); OUT="${!j}"; fi
done
"$HERE/run.sh" selfcheck "$OUT"
