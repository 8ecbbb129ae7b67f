#!/usr/bin/env python3
"""Evaluate the MRZ recognizer (ONNX through onnxruntime, or a PyTorch checkpoint).

Reports line exact rate and character error rate (Levenshtein / reference chars) on
  val_medium      seed 900001, 1000 strips, degradation level 0.25..0.6
  val_hard        seed 900002,  500 strips, degradation level 0.6..1.0
  heldout_medium  seed 900003,  600 strips, level 0.25..0.6, held-out print-weight band
                  and/or held-out background family (never seen in training)
each also by source cap-height bucket [lo, hi) in px, and a CTC capacity analysis
(why T = 184 rather than 92).

  python eval_mrz.py --onnx ../mrz/mrz_rec.onnx --json runs/main/eval.json
"""
import os
os.environ.setdefault("OMP_NUM_THREADS", "1")
import argparse
import json
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mrz_data import make_set, as_input, greedy_decode, score, EVAL_SETS  # noqa: E402


def predictor(onnx_path=None, ckpt=None):
    if onnx_path:
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])

        def run(X):
            return [sess.run(None, {"input": X[i:i + 1]})[0][0] for i in range(len(X))]
        return run
    import torch
    torch.set_num_threads(1)
    from export_mrz import load_model
    model, _ = load_model(ckpt)

    def run(X):
        with torch.no_grad():
            return list(model(torch.from_numpy(X)).numpy())
    return run


def ctc_capacity(texts, frames_per_char, slack=2):
    """Share of lines a CTC head cannot emit when each character gets `frames_per_char`
    frames: CTC needs a blank between equal neighbours, so a run of k equal characters
    needs 2k-1 frames but only covers frames_per_char*k of them (plus `slack` frames the
    receptive field could borrow from the neighbours)."""
    bad = 0
    for t in texts:
        runs, k = [], 1
        for a, b in zip(t, t[1:]):
            if a == b:
                k += 1
            else:
                runs.append(k)
                k = 1
        runs.append(k)
        if any(2 * r - 1 > frames_per_char * r + slack for r in runs):
            bad += 1
    return bad / len(texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx")
    ap.add_argument("--ckpt")
    ap.add_argument("--sets", default=",".join(EVAL_SETS))
    ap.add_argument("--json", default=None)
    ap.add_argument("--errors", type=int, default=8, help="print this many misread lines per set")
    a = ap.parse_args()
    assert a.onnx or a.ckpt
    run = predictor(a.onnx, a.ckpt)
    out = {"model": os.path.basename(a.onnx or a.ckpt)}
    for name in a.sets.split(","):
        d = make_set(name)
        lp = run(as_input(d["x"]))
        preds = [greedy_decode(p) for p in lp]
        r = score(preds, d["text"], d["h_src"])
        if name.startswith("heldout"):
            for key in ("heldout_weight", "heldout_bg"):
                idx = [i for i in range(len(preds)) if d[key][i]]
                r[key] = score([preds[i] for i in idx], [d["text"][i] for i in idx])
        out[name] = r
        print("%-15s lines %4d  line exact %.2f%%  CER %.3f%%" % (name, r["lines"], 100 * r["line_exact"], 100 * r["cer"]))
        for b, v in r["by_h"].items():
            print("    h %-6s  %4d lines  exact %.2f%%  CER %.3f%%" % (b, v["lines"], 100 * v["line_exact"], 100 * v["cer"]))
        for k in ("heldout_weight", "heldout_bg"):
            if k in r:
                print("    %-15s %4d lines  exact %.2f%%  CER %.3f%%" % (k, r[k]["lines"], 100 * r[k]["line_exact"], 100 * r[k]["cer"]))
        shown = 0
        for p, t, h in zip(preds, d["text"], d["h_src"]):
            if p != t and shown < a.errors:
                print("    h=%5.1f  true %s\n             read %s" % (h, t, p))
                shown += 1
    texts = make_set("val_medium")["text"]
    out["ctc_capacity_infeasible"] = {
        "T92_stride4_scale1.00": ctc_capacity(texts, 2.0),
        "T92_stride4_scale0.93": ctc_capacity(texts, 2.0 * 0.93),
        "T92_stride4_scale0.85": ctc_capacity(texts, 2.0 * 0.85),
        "T92_stride4_scale0.80": ctc_capacity(texts, 2.0 * 0.80),
        "T184_stride2_scale0.80": ctc_capacity(texts, 4.0 * 0.80),
    }
    print("CTC capacity (share of val lines that cannot be emitted):", json.dumps(out["ctc_capacity_infeasible"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
