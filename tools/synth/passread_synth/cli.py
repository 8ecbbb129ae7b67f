"""Command line: python -m passread_synth [--seed N] [--count N] [--out DIR] [--kind KIND]
[--difficulty easy|medium|hard|mixed] [--max-side PX] [--preset eval|fixtures]

Seed policy: seeds < 900000 are for training sets; seeds >= 900000 are reserved for evaluation
(the eval preset uses 900001) and fixtures (424242 is the fixture seed, never use it for training).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from .negatives import NEGATIVE_TYPES, pick_type, render_negative
from .render import render_sample
from .rng import pick, sub_rng

DOC_KINDS = ["td3", "hkg", "mac", "twn", "chn", "td1", "td2", "mrva", "mrvb"]
MIXED = {"chn": 0.30, "td3": 0.27, "hkg": 0.03, "mac": 0.02, "twn": 0.03, "td1": 0.05, "td2": 0.05,
         "mrva": 0.04, "mrvb": 0.03, "negative": 0.18}
DIFFS = {"easy": 0.4, "medium": 0.4, "hard": 0.2}
EVAL_SEED = 900001
FIXTURE_SEED = 424242


def image_seed(master: int, index: int) -> int:
    """The per-image sub-seed (48 bits) recorded in truth scene.seed."""
    return int(sub_rng(master, "image", index).integers(0, 2**48))


def one(master, index, kind, difficulty, max_side=None, doc_force=None, scene_force=None, neg_type=None):
    seed = image_seed(master, index)
    r = sub_rng(seed, "plan")
    if difficulty == "mixed":
        difficulty = pick(r, list(DIFFS), p=list(DIFFS.values()))
    if kind == "mixed":
        kind = pick(r, list(MIXED), p=list(MIXED.values()))
    elif kind == "mixed_nochn":
        ks = [k for k in MIXED if k != "chn"]
        kind = pick(r, ks, p=[MIXED[k] for k in ks])
    if kind == "negative":
        return render_negative(seed, neg_type or pick_type(r), difficulty, max_side, scene_force)
    return render_sample(seed, kind, difficulty, max_side, doc_force, scene_force)


def write_set(out, jobs, prefix="img"):
    """jobs: list of kwargs for one(); writes images + truth.jsonl. Returns the records."""
    os.makedirs(out, exist_ok=True)
    recs = []
    for i, job in enumerate(jobs):
        data, ext, rec = one(**job)
        name = f"{prefix}_{i:05d}.{ext}" if prefix != "still" else f"still_{i:03d}.{ext}"
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
        rec["file"] = name
        recs.append(rec)
        if (i + 1) % 25 == 0:
            print(f"  {i + 1}/{len(jobs)}", file=sys.stderr, flush=True)
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as fh:
        for rec in recs:
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    return recs


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _clean(d, prefix):
    """Remove only what a previous run of the same preset wrote (prefix_* files, truth.jsonl)."""
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if name.startswith(prefix + "_") or name == "truth.jsonl":
            os.remove(os.path.join(d, name))


def _clean_sequences(d):
    from .sequence import STANDARD
    os.makedirs(d, exist_ok=True)
    for name in STANDARD:
        if os.path.isdir(os.path.join(d, name)):
            shutil.rmtree(os.path.join(d, name))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="passread_synth", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=None, help="master seed (default 1; eval preset 900001; fixtures 424242)")
    ap.add_argument("--count", type=int, default=None, help="number of images (default 20; eval preset 600)")
    ap.add_argument("--out", default=None, help="output directory (default: <repo>/out, <repo>/eval-data for "
                    "--preset eval, <repo>/tests/fixtures for --preset fixtures)")
    ap.add_argument("--kind", default="mixed", choices=DOC_KINDS + ["negative", "mixed", "sequence"])
    ap.add_argument("--difficulty", default="mixed", choices=["easy", "medium", "hard", "mixed"])
    ap.add_argument("--max-side", type=int, default=None, help="limit the photo resolution (long side, px)")
    ap.add_argument("--negative-type", default=None, choices=sorted(NEGATIVE_TYPES))
    ap.add_argument("--preset", choices=["eval", "fixtures"], default=None)
    a = ap.parse_args(argv)
    if a.out is None:
        a.out = os.path.join(REPO, {"eval": "eval-data", "fixtures": os.path.join("tests", "fixtures")}.get(a.preset, "out"))
    if a.preset == "eval":
        from .presets import eval_jobs
        seed = EVAL_SEED if a.seed is None else a.seed
        count = 600 if a.count is None else a.count
        _clean(a.out, "eval")
        recs = write_set(a.out, eval_jobs(seed, count), prefix="eval")
    elif a.preset == "fixtures":
        from .presets import fixture_jobs
        from .sequence import write_standard_sequences
        seed = FIXTURE_SEED if a.seed is None else a.seed
        _clean(os.path.join(a.out, "stills"), "still")
        recs = write_set(os.path.join(a.out, "stills"), fixture_jobs(seed), prefix="still")
        _clean_sequences(os.path.join(a.out, "sequences"))
        write_standard_sequences(os.path.join(a.out, "sequences"), seed)
    elif a.kind == "sequence":
        from .sequence import write_standard_sequences
        a.seed = 1 if a.seed is None else a.seed
        os.makedirs(a.out, exist_ok=True)
        write_standard_sequences(a.out, a.seed)
        recs = []
    else:
        a.seed = 1 if a.seed is None else a.seed
        a.count = 20 if a.count is None else a.count
        jobs = [dict(master=a.seed, index=i, kind=a.kind, difficulty=a.difficulty, max_side=a.max_side,
                     neg_type=a.negative_type) for i in range(a.count)]
        recs = write_set(a.out, jobs)
    print(f"wrote {len(recs)} images to {a.out}", file=sys.stderr)
    return 0
