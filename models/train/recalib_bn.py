#!/usr/bin/env python3
"""Re-estimate BatchNorm running statistics of a trained checkpoint.

During training BatchNorm keeps an exponential average over the last few dozen batches
(momentum 0.1) while the weights still move and the curriculum changes the data; the
resulting statistics are noisy.  This pass freezes the weights and recomputes exact
(cumulative) mean/variance over N fresh training batches (seed --seed, never a
validation seed), then evaluates on val_medium.  The output keeps the checkpoint format.

  python recalib_bn.py --ckpt runs/main/last.pt --out runs/main/recal.pt --batches 150
"""
import os
os.environ.setdefault("OMP_NUM_THREADS", "1")
import argparse
import json
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_mrz import load_model  # noqa: E402
from train_mrz import batch, evaluate  # noqa: E402
from mrz_data import make_set  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--batches", type=int, default=150)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--seed", type=int, default=700000)
    a = ap.parse_args()
    assert a.seed < 900000
    torch.set_num_threads(1)
    model, sd = load_model(a.ckpt)
    val = make_set("val_medium")
    before, _ = evaluate(model, val)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average
    model.train()
    with torch.no_grad():
        for i in range(a.batches):
            x, _, _ = batch(a.seed, i, a.bs, 1.0)
            model(x)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1
    after, _ = evaluate(model, val)
    print(json.dumps({"before": {"line_exact": before["line_exact"], "cer": before["cer"]},
                      "after": {"line_exact": after["line_exact"], "cer": after["cer"]}}))
    sd = dict(sd)
    sd["model"] = model.state_dict()
    sd["val"] = after
    sd["bn_recalibrated"] = {"batches": a.batches, "bs": a.bs, "seed": a.seed, "from": os.path.basename(a.ckpt),
                             "val_before": {"line_exact": before["line_exact"], "cer": before["cer"]}}
    torch.save(sd, a.out)


if __name__ == "__main__":
    main()
