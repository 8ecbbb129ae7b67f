#!/usr/bin/env bash
# Produces models/paddle/ppocrv4_rec.onnx as shipped: PP-OCRv4's recognizer from rapidocr-onnxruntime 1.4.4
# (models/paddle/extract.py) fine-tuned on the strips the Chinese reader cuts from generator photographs.
#
#   bash models/paddle/finetune/reproduce.sh            # everything, about an hour on 2 cores
#   MINUTES=10 bash models/paddle/finetune/reproduce.sh # another training budget
#   STEPS=1800 bash models/paddle/finetune/reproduce.sh # a step budget (deterministic schedule)
#
# Steps: the training virtualenv (models/train/setup.sh, plus onnx2torch); the PP-OCRv4 original
# (extract.py --out, checked against its sha256); two training sets of the generator (seeds 330001 and
# 330002, medium difficulty: training seeds, never evaluation ones); the strips the reader cuts from them,
# read by the ORIGINAL model (examples/dump_text_strips, built with the original in place); their labels
# (label_strips.py); the fine-tune (finetune.py); the result written to models/paddle/ppocrv4_rec.onnx.
# Work files go to models/train/runs/paddle/ (git-ignored).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
RUN="${RUN:-$REPO/models/train/runs/paddle}"
MINUTES="${MINUTES:-30}"
STEPS="${STEPS:-0}"
mkdir -p "$RUN"
cd "$REPO"

bash models/train/setup.sh
.venv-train/bin/pip install --disable-pip-version-check -q -r "$HERE/requirements.txt"
PY="$REPO/.venv-train/bin/python"

# The original model: the strips must be read (and labelled) by it, and training starts from it.
"$PY" models/paddle/extract.py --out "$RUN/original"
ORIGINAL="$RUN/original/ppocrv4_rec.onnx"

for spec in "330001 400" "330002 150"; do
    set -- $spec
    [ -f "$RUN/train$1/truth.jsonl" ] || tools/synth/run.sh --seed "$1" --count "$2" --kind chn --difficulty medium --out "$RUN/train$1"
done

# examples/dump_text_strips with the original model embedded (the build embeds models/paddle/ppocrv4_rec.onnx).
cp models/paddle/ppocrv4_rec.onnx "$RUN/shipped-before.onnx"
cp "$ORIGINAL" models/paddle/ppocrv4_rec.onnx
trap 'cp "$RUN/shipped-before.onnx" models/paddle/ppocrv4_rec.onnx' EXIT
TARGET="${CARGO_TARGET_DIR:-$RUN/target}"
CARGO_TARGET_DIR="$TARGET" cargo build --release --example dump_text_strips
for s in 330001 330002; do
    "$TARGET/release/examples/dump_text_strips" "$RUN/t$s" "$RUN/train$s"
    python3 "$HERE/label_strips.py" "$RUN/t$s"
done
trap - EXIT
cp "$RUN/shipped-before.onnx" models/paddle/ppocrv4_rec.onnx

ARGS=(--strips "$RUN/t330001" --strips "$RUN/t330002" --out "$RUN/finetune" --base "$ORIGINAL" --batch 16 --threads 2)
if [ "$STEPS" != 0 ]; then ARGS+=(--steps "$STEPS"); else ARGS+=(--minutes "$MINUTES"); fi
"$PY" "$HERE/finetune.py" "${ARGS[@]}"
cp "$RUN/finetune/ppocrv4_rec.onnx" models/paddle/ppocrv4_rec.onnx
sha256sum models/paddle/ppocrv4_rec.onnx
echo "written: models/paddle/ppocrv4_rec.onnx (update the sha256 in models/paddle/MANIFEST.md; figures in $RUN/finetune/finetune.json)"
