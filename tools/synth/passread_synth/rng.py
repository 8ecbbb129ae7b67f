"""Deterministic sub-seeding. No global random state, no hash() salt, no time."""
from __future__ import annotations

import zlib

import numpy as np


def _tag(p) -> int:
    if isinstance(p, (int, np.integer)):
        return int(p) & 0xFFFFFFFF
    return zlib.crc32(str(p).encode("utf-8"))


def sub_rng(seed: int, *path) -> np.random.Generator:
    """A Generator for (seed, path...) independent of any other path."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed) & 0xFFFFFFFFFFFF] + [_tag(p) for p in path])))


def child(rng: np.random.Generator, *path) -> np.random.Generator:
    """A Generator derived from one draw of ``rng`` plus a tag (advances rng by one draw)."""
    return sub_rng(int(rng.integers(0, 2**48)), *path)


def pick(rng: np.random.Generator, seq, p=None):
    """Choose one element of a sequence (works for lists of tuples)."""
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return seq[int(rng.choice(len(seq), p=p))]


def chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)
