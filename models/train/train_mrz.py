#!/usr/bin/env python3
"""Train the MRZ line recognizer (CTC) on synthetic strips generated on the fly.

Single CPU thread (torch.set_num_threads(1)); data generation happens in the same
process, deterministically from (--seed, step).  Evaluates on the fixed validation
set (seed 900001) every --eval-min minutes and, on improvement, saves best.pt and
exports ONNX to --export (so a usable model exists early).

  python train_mrz.py --seed 1 --minutes 65 --out runs/main --export ../mrz/mrz_rec.onnx
  python train_mrz.py --seed 1 --steps 4000 --out runs/main      # step-based (reproducible)
"""
import os
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
import argparse
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mrz_model import MrzNet, count_macs  # noqa: E402
from mrz_render import make_strip  # noqa: E402
from mrz_data import make_set, as_input, greedy_decode, score, encode  # noqa: E402


def load_pages(prefixes, every=1):
    """Strips cut by the reader itself from generator photographs (examples/dump_strips.rs):
    PREFIX.u8 (N x 32 x 368 bytes) and PREFIX.txt (one truth line per strip)."""
    xs, texts = [], []
    for prefix in prefixes:
        t = open(prefix + ".txt", encoding="ascii").read().split("\n")[:-1]
        x = np.fromfile(prefix + ".u8", dtype=np.uint8).reshape(len(t), 32, 368)
        xs.append(x[::every]); texts += t[::every]
    return dict(x=np.concatenate(xs), text=texts, h_src=np.full(len(texts), 20.0, np.float32))


def batch(seed, step, bs, max_level, pages=None, pages_frac=0.0):
    rng = np.random.default_rng([seed, step])
    xs, tg, ln = [], [], []
    for _ in range(bs):
        lvl = float(rng.uniform(0, max_level))
        if pages is not None and rng.random() < pages_frac:
            i = int(rng.integers(len(pages["text"])))
            x, t = pages["x"][i].astype(np.float32) / 255.0, pages["text"][i]
        else:
            x, t = make_strip(rng, split="train", level=lvl)
        xs.append(x)
        e = encode(t)
        tg += e
        ln.append(len(e))
    return (torch.from_numpy(np.stack(xs)[:, None]), torch.tensor(tg, dtype=torch.long),
            torch.tensor(ln, dtype=torch.long))


def evaluate(model, d, bs=100):
    model.eval()
    X = as_input(d["x"])
    preds = []
    with torch.no_grad():
        for i in range(0, len(X), bs):
            lp = model(torch.from_numpy(X[i:i + bs])).numpy()
            preds += [greedy_decode(p) for p in lp]
    model.train()
    return score(preds, d["text"], d["h_src"]), preds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--out", default=os.path.join(HERE, "runs", "main"))
    ap.add_argument("--export", default=None, help="ONNX path to (re)write on each validation improvement")
    ap.add_argument("--eval-min", type=float, default=6.0, help="evaluate every N minutes (time mode)")
    ap.add_argument("--eval-steps", type=int, default=500, help="evaluate every N steps (steps mode)")
    ap.add_argument("--init", default=None, help="start from this checkpoint")
    ap.add_argument("--stop-minutes", type=float, default=None,
                    help="stop after this many minutes while the LR schedule follows --minutes (how a run stopped early is reproduced)")
    ap.add_argument("--pages", action="append", default=[], help="strips dumped from generator photographs (PREFIX of .u8/.txt); repeatable")
    ap.add_argument("--pages-frac", type=float, default=0.35, help="share of each batch drawn from --pages")
    ap.add_argument("--pages-val", action="append", default=[], help="dumped strips to validate on (their unjittered copies)")
    a = ap.parse_args()
    assert a.seed < 900000, "training seeds must be < 900000"
    if a.minutes is None and a.steps is None:
        a.minutes = 60
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)

    model = MrzNet()
    if a.init:
        model.load_state_dict(torch.load(a.init, map_location="cpu", weights_only=False)["model"])
    nparam = sum(p.numel() for p in model.parameters())
    macs = count_macs(model)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    val = make_set("val_medium")
    pages = load_pages(a.pages) if a.pages else None
    pages_val = load_pages(a.pages_val, every=3) if a.pages_val else None
    if pages is not None:
        print("page strips: %d for training (%.0f%% of each batch), %d for validation"
              % (len(pages["text"]), 100 * a.pages_frac, len(pages_val["text"]) if pages_val else 0), flush=True)
    log = open(os.path.join(a.out, "train_log.jsonl"), "a")
    print("params %d  MACs %.1fM  val %d strips" % (nparam, macs / 1e6, len(val["text"])), flush=True)

    t0 = time.time()
    step, best, last_eval = 0, None, t0
    ema = None

    def progress():
        p = 0.0
        if a.steps:
            p = max(p, step / a.steps)
        if a.minutes:
            p = max(p, (time.time() - t0) / (60 * a.minutes))
        return p

    def do_eval(final=False):
        nonlocal best
        r, _ = evaluate(model, val)
        rec = {"step": step, "min": round((time.time() - t0) / 60, 2), "loss": ema,
               "val_line_exact": r["line_exact"], "val_cer": r["cer"], "by_h": r["by_h"]}
        key = (r["line_exact"], -r["cer"])
        if pages_val is not None:
            rp, _ = evaluate(model, pages_val)
            rec["pages_line_exact"], rec["pages_cer"] = rp["line_exact"], rp["cer"]
            key = (r["line_exact"] + rp["line_exact"], -r["cer"] - rp["cer"])
        print(json.dumps(rec), flush=True)
        log.write(json.dumps(rec) + "\n"); log.flush()
        state = {"model": model.state_dict(), "step": step, "seed": a.seed, "bs": a.bs, "lr": a.lr,
                 "val": r, "minutes": (time.time() - t0) / 60, "torch": torch.__version__,
                 "params": nparam, "macs": macs}
        torch.save(state, os.path.join(a.out, "last.pt"))
        if best is None or key > best:
            best = key
            torch.save(state, os.path.join(a.out, "best.pt"))
            if a.export:
                from export_mrz import export
                try:
                    export(os.path.join(a.out, "best.pt"), a.export, n_check=0)
                    print("exported", a.export, flush=True)
                except Exception as e:  # never kill training for an export problem
                    print("export failed:", e, flush=True)

    while True:
        p = progress()
        if p >= 1.0 or (a.stop_minutes and time.time() - t0 >= 60 * a.stop_minutes):
            break
        # warmup 3%, then cosine to 2% of peak
        lr = a.lr * min(1.0, p / 0.03 + 0.02) * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))
        for g in opt.param_groups:
            g["lr"] = lr
        max_level = min(1.0, 0.35 + 1.5 * p)  # curriculum on degradation strength
        x, tg, ln = batch(a.seed, step, a.bs, max_level, pages, a.pages_frac)
        lp = model(x)  # N T C
        T = lp.shape[1]
        loss = ctc(lp.permute(1, 0, 2), tg, torch.full((x.shape[0],), T, dtype=torch.long), ln)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        lv = loss.item()
        ema = lv if ema is None else 0.98 * ema + 0.02 * lv
        if step % 50 == 0:
            print("step %d  %.1f min  lr %.2e  loss %.4f  lvl<=%.2f" % (step, (time.time() - t0) / 60, lr, ema, max_level), flush=True)
        if (a.minutes and time.time() - last_eval > 60 * a.eval_min) or (not a.minutes and step % a.eval_steps == 0):
            last_eval = time.time()
            do_eval()
    do_eval(final=True)
    print("done: %d steps in %.1f min" % (step, (time.time() - t0) / 60), flush=True)


if __name__ == "__main__":
    main()
