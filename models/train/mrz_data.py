"""Shared helpers: fixed evaluation sets, CTC greedy decoding, metrics."""
import os
import time
import numpy as np

from mrz_text import ALPHABET
from mrz_render import make_strip

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

# name -> (seed, count, split, level range)
EVAL_SETS = {
    "val_medium": (900001, 1000, "val", (0.25, 0.6)),
    "val_hard": (900002, 500, "val", (0.6, 1.0)),
    "heldout_medium": (900003, 600, "heldout", (0.25, 0.6)),
}
H_BUCKETS = [(6, 8), (8, 12), (12, 20), (20, 40), (40, 81)]


def encode(text):
    return [ALPHABET.index(c) + 1 for c in text]


def greedy_decode(logp):
    """logp: [T, C] numpy. Returns the collapsed string."""
    best = logp.argmax(-1)
    out = []
    prev = 0
    for k in best:
        if k != prev and k != 0:
            out.append(ALPHABET[k - 1])
        prev = k
    return "".join(out)


def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def make_set(name, cache=True):
    seed, count, split, (lo, hi) = EVAL_SETS[name]
    path = os.path.join(DATA, "%s_%d_%d.npz" % (name, seed, count))
    if cache and os.path.exists(path):
        z = np.load(path, allow_pickle=False)
        return dict(x=z["x"], text=list(z["text"]), h_src=z["h_src"], level=z["level"],
                    heldout_weight=z["heldout_weight"], heldout_bg=z["heldout_bg"])
    rng = np.random.default_rng(seed)
    xs, texts, hs, lv, hw, hb = [], [], [], [], [], []
    for i in range(count):
        lvl = float(rng.uniform(lo, hi))
        x, t, m = make_strip(rng, split=split, level=lvl, return_meta=True)
        xs.append((x * 255 + 0.5).astype(np.uint8))  # stored as 8-bit, used as /255
        texts.append(t)
        hs.append(m["h_src"]); lv.append(lvl)
        hw.append(m["heldout_weight"]); hb.append(m["heldout_bg"])
    d = dict(x=np.stack(xs), text=texts, h_src=np.array(hs, np.float32), level=np.array(lv, np.float32),
             heldout_weight=np.array(hw), heldout_bg=np.array(hb))
    if cache:
        os.makedirs(DATA, exist_ok=True)
        np.savez_compressed(path, x=d["x"], text=np.array(texts), h_src=d["h_src"], level=d["level"],
                            heldout_weight=d["heldout_weight"], heldout_bg=d["heldout_bg"])
    return d


def as_input(x_u8):
    return (x_u8.astype(np.float32) / 255.0)[:, None, :, :]


def score(preds, texts, h_src=None):
    n = len(texts)
    exact = sum(p == t for p, t in zip(preds, texts))
    edits = sum(levenshtein(p, t) for p, t in zip(preds, texts))
    chars = sum(len(t) for t in texts)
    res = {"lines": n, "line_exact": exact / n, "cer": edits / chars}
    if h_src is not None:
        b = {}
        for lo, hi in H_BUCKETS:
            idx = [i for i in range(n) if lo <= h_src[i] < hi]
            if not idx:
                continue
            e = sum(preds[i] == texts[i] for i in idx)
            ed = sum(levenshtein(preds[i], texts[i]) for i in idx)
            ch = sum(len(texts[i]) for i in idx)
            b["%d-%d" % (lo, hi - 1 if hi == 81 else hi)] = {"lines": len(idx), "line_exact": e / len(idx), "cer": ed / ch}
        res["by_h"] = b
    return res
