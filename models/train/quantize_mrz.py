#!/usr/bin/env python3
"""Post-training static int8 quantization (onnxruntime.quantization, QDQ format).

Calibrates on strips from training-distribution seed 800000 (not a validation seed),
then compares f32 and int8 decodings with onnxruntime on val_medium, val_hard and
heldout_medium.  The int8 file is kept only if its line exact rate is identical or
better on every set (and CER not worse); otherwise it is deleted.

  python quantize_mrz.py --f32 ../mrz/mrz_rec.onnx --out ../mrz/mrz_rec.int8.onnx --json runs/main/quant.json
"""
import os
os.environ.setdefault("OMP_NUM_THREADS", "1")
import argparse
import json
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mrz_render import make_strip  # noqa: E402
from mrz_data import make_set, as_input, greedy_decode, score  # noqa: E402
from eval_mrz import predictor  # noqa: E402


class Reader:
    def __init__(self, n, seed=800000):
        rng = np.random.default_rng(seed)
        xs = []
        for _ in range(n):
            x, _ = make_strip(rng, split="train", level=float(rng.uniform(0, 1)))
            xs.append(np.round(x * 255) / 255)
        self.data = iter([{"input": x[None, None].astype(np.float32)} for x in xs])

    def get_next(self):
        return next(self.data, None)

    def rewind(self):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--f32", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--calib", type=int, default=300)
    ap.add_argument("--json")
    a = ap.parse_args()
    from onnxruntime.quantization import quantize_static, QuantFormat, QuantType, CalibrationMethod
    quantize_static(a.f32, a.out, Reader(a.calib), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    per_channel=True, calibrate_method=CalibrationMethod.Percentile,
                    extra_options={"CalibPercentile": 99.99})
    f32, q8 = predictor(a.f32), predictor(a.out)
    res = {"calib_strips": a.calib, "sets": {}}
    keep = True
    for name in ("val_medium", "val_hard", "heldout_medium"):
        d = make_set(name)
        X = as_input(d["x"])
        pf = [greedy_decode(p) for p in f32(X)]
        pq = [greedy_decode(p) for p in q8(X)]
        sf, sq = score(pf, d["text"]), score(pq, d["text"])
        same = sum(x == y for x, y in zip(pf, pq))
        res["sets"][name] = {"f32": sf, "int8": sq, "identical_decodings": same, "lines": len(pf)}
        print("%-15s f32 exact %.2f%% CER %.3f%% | int8 exact %.2f%% CER %.3f%% | same decodings %d/%d" % (
            name, 100 * sf["line_exact"], 100 * sf["cer"], 100 * sq["line_exact"], 100 * sq["cer"], same, len(pf)))
        if sq["line_exact"] < sf["line_exact"] or sq["cer"] > sf["cer"]:
            keep = False
    res["bytes"] = os.path.getsize(a.out)
    res["kept"] = keep
    if not keep:
        os.remove(a.out)
        print("int8 model loses accuracy: removed", a.out)
    else:
        print("int8 model kept:", a.out, res["bytes"], "bytes")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
