#!/usr/bin/env python3
"""Fine-tunes PP-OCRv4's recognizer on the strips the Chinese reader cuts from generator photographs.

    python3 models/paddle/finetune/finetune.py --base ORIGINAL.onnx --strips PREFIX [--strips PREFIX2] --out DIR --minutes 30

PREFIX is the output of `examples/dump_text_strips.rs` labelled by `label_strips.py` (PREFIX.u8,
PREFIX.labels.tsv). Strips are split by image: one image in ten (by a hash of its set and file name) is held out
for validation. Training: CTC on the logits, AdamW, linear warm-up then cosine decay over the wall-time
(or `--steps`) budget, batches of one width bucket each. BatchNorm statistics stay those of the base
model (the module runs in eval mode; gradients still flow); the classifier layer stays frozen unless
`--train-head`, so characters the generator never prints keep the base model's templates. A strip
the base model misreads is drawn `--hard-weight` times as often, a hanzi name strip `--name-weight`
times as often (the names are what the reader gets wrong most).

Every `--eval-minutes` and at the end, line-exact accuracy on the held-out strips is printed for the
base model and the current one; the best weights are written back into the base graph
(`rec_torch.write_back`) as DIR/ppocrv4_rec.onnx, checked against onnxruntime (identical greedy
readings required on the held-out strips), and DIR/finetune.json records the figures.
"""
import argparse
import hashlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rec_torch  # noqa: E402

DICT = os.path.join(HERE, "..", "ppocrv4_rec_dict.txt")
HEIGHT = 48


def load_dict():
    chars = [l.rstrip("\n")[:1] for l in open(DICT, encoding="utf-8")]
    index = {c: i + 1 for i, c in enumerate(chars) if c}
    index[" "] = len(chars) + 1
    return chars + [" "], index


def load_strips(prefixes, index):
    strips = []
    for prefix in prefixes:
        raw = np.memmap(prefix + ".u8", dtype=np.uint8, mode="r")
        for line in open(prefix + ".labels.tsv", encoding="utf-8"):
            offset, width, text, dist, path, kind = line.rstrip("\n").split("\t")
            offset, width = int(offset), int(width)
            if any(c not in index for c in text):
                continue
            px = np.array(raw[offset:offset + HEIGHT * width]).reshape(HEIGHT, width)
            # By set and file name, not the full path: the split must not depend on where the sets live.
            name = "/".join(path.replace(os.sep, "/").split("/")[-2:])
            held = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10 == 0
            strips.append({"px": px, "text": text, "target": [index[c] for c in text], "hard": int(dist) > 0, "kind": kind,
                           "width": width, "held": held})
    return strips


def tensor(batch):
    x = torch.from_numpy(np.stack([s["px"] for s in batch]).astype(np.float32) / 127.5 - 1.0)
    return x[:, None].expand(-1, 3, -1, -1).contiguous()


def greedy(logits, chars):
    out = []
    for row in logits.argmax(-1).tolist():
        s, prev = [], 0
        for k in row:
            if k != prev and k != 0:
                s.append(chars[k - 1])
            prev = k
        out.append("".join(s))
    return out


def evaluate(model, strips, chars, batch=32):
    by_w = {}
    for s in strips:
        by_w.setdefault(s["width"], []).append(s)
    exact = 0
    readings = {}
    with torch.no_grad():
        for w, group in by_w.items():
            for i in range(0, len(group), batch):
                part = group[i:i + batch]
                for s, r in zip(part, greedy(model(tensor(part)), chars)):
                    r = r.replace(" ", "")  # labels carry no spaces (label_strips.py)
                    exact += r == s["text"]
                    readings[id(s)] = r
    return exact / max(1, len(strips)), readings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strips", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--base", required=True, help="the model to start from: the original PP-OCRv4 (extract.py --out DIR)")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--steps", type=int, default=0, help="a step budget instead of wall time")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--hard-weight", type=float, default=3.0)
    ap.add_argument("--name-weight", type=float, default=3.0, help="how much more often a hanzi name strip is drawn")
    ap.add_argument("--train-head", action="store_true")
    ap.add_argument("--eval-minutes", type=float, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    chars, index = load_dict()
    strips = load_strips(a.strips, index)
    train = [s for s in strips if not s["held"]]
    val = [s for s in strips if s["held"]]
    print(f"{len(train)} training strips ({sum(s['hard'] for s in train)} misread by the base model), "
          f"{len(val)} held out", flush=True)
    model, mapping = rec_torch.load(a.base, train_head=a.train_head)
    model.eval()
    params = [p for p in model.parameters() if p.requires_grad]
    print(f"{sum(p.numel() for p in params)} trainable values in {len(params)} tensors", flush=True)
    base_acc, _ = evaluate(model, val, chars)
    print(f"held out, base model: {base_acc:.4f} line exact", flush=True)
    names = [s for s in val if s["kind"] == "name_han"]
    base_names, _ = evaluate(model, names, chars)
    print(f"held out hanzi names ({len(names)}), base model: {base_names:.4f}", flush=True)

    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.0)
    by_w = {}
    for s in train:
        by_w.setdefault(s["width"], []).append(s)
    widths = sorted(by_w)
    def weight(s):
        return (a.hard_weight if s["hard"] else 1.0) * (a.name_weight if s["kind"] == "name_han" else 1.0)

    w_weight = [sum(weight(s) for s in by_w[w]) for w in widths]
    start = time.time()
    budget = a.minutes * 60
    warm = 30
    best = (base_acc, None)
    history = [{"minutes": 0, "val_exact": base_acc}]
    next_eval = a.eval_minutes * 60
    step = 0
    while True:
        elapsed = time.time() - start
        frac = step / a.steps if a.steps else elapsed / budget
        if frac >= 1:
            break
        lr = a.lr * min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        w = rng.choices(widths, weights=w_weight)[0]
        group = by_w[w]
        batch = rng.choices(group, weights=[weight(s) for s in group], k=a.batch)
        logits = model(tensor(batch))
        logp = F.log_softmax(logits, -1).transpose(0, 1)
        targets = torch.tensor([t for s in batch for t in s["target"]])
        lengths = torch.tensor([len(s["target"]) for s in batch])
        loss = F.ctc_loss(logp, targets, torch.full((len(batch),), logp.shape[0], dtype=torch.long), lengths,
                          blank=0, zero_infinity=True)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        step += 1
        if step % 20 == 0:
            print(f"step {step} {elapsed / 60:.1f} min lr {lr:.2e} loss {loss.item():.4f}", flush=True)
        if elapsed >= next_eval:
            next_eval += a.eval_minutes * 60
            acc, _ = evaluate(model, val, chars)
            history.append({"minutes": round(elapsed / 60, 1), "step": step, "val_exact": acc})
            acc_names, _ = evaluate(model, names, chars)
            history[-1]["val_names_exact"] = acc_names
            print(f"held out at step {step}: {acc:.4f} line exact (base {base_acc:.4f}), hanzi names {acc_names:.4f}"
                  f" (base {base_names:.4f})", flush=True)
            if acc > best[0]:
                best = (acc, {k: v.detach().clone() for k, v in model.state_dict().items()})
    acc, readings = evaluate(model, val, chars)
    history.append({"minutes": round((time.time() - start) / 60, 1), "step": step, "val_exact": acc})
    acc_names, _ = evaluate(model, names, chars)
    history[-1]["val_names_exact"] = acc_names
    print(f"held out at the end (step {step}): {acc:.4f} line exact (base {base_acc:.4f}), hanzi names "
          f"{acc_names:.4f} (base {base_names:.4f})", flush=True)
    if acc >= best[0]:
        best = (acc, None)
    elif best[1] is not None:
        model.load_state_dict(best[1])
    out_onnx = os.path.join(a.out, "ppocrv4_rec.onnx")
    changed = rec_torch.write_back(a.base, model, mapping, out_onnx)
    agree = check_onnxruntime(out_onnx, model, val, chars)
    report = {"train_strips": len(train), "held_out": len(val), "steps": step, "lr": a.lr, "batch": a.batch,
              "hard_weight": a.hard_weight, "name_weight": a.name_weight, "train_head": a.train_head, "seed": a.seed,
              "base_val_exact": base_acc, "base_val_names_exact": base_names, "val_exact": best[0], "history": history,
              "base": os.path.abspath(a.base), "constants_changed": changed, "onnxruntime_agrees": agree, "strips": a.strips}
    json.dump(report, open(os.path.join(a.out, "finetune.json"), "w"), indent=1)
    print(json.dumps({k: v for k, v in report.items() if k != "history"}), flush=True)
    if not agree:
        raise SystemExit("onnxruntime reads the exported model differently from PyTorch")


def check_onnxruntime(path, model, val, chars):
    import onnxruntime as ort

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for s in val[:300]:
        x = tensor([s])
        probs = sess.run(None, {"x": x.numpy()})[0]
        with torch.no_grad():
            ref = model(x)
        if greedy(torch.from_numpy(probs), chars) != greedy(ref, chars):
            return False
    return True


if __name__ == "__main__":
    main()
