"""Flat document renderers. ``render_document(kind, rng, ppm, force)`` dispatches on kind."""
from .chn import render_chn
from .nonmrz import render_letter, render_licence
from .passport import SIZES, render_id_document

ID_KINDS = ("td3", "hkg", "mac", "twn", "td1", "td2", "mrva", "mrvb")


def doc_size_mm(kind: str):
    if kind in ("chn", "hkg", "mac", "twn"):
        return (125.0, 88.0)
    if kind == "licence":
        return (85.6, 54.0)
    if kind == "letter":
        return (148.0, 210.0)
    return SIZES[kind]


def render_document(kind: str, rng, ppm: float = 12.0, force: dict | None = None):
    if kind == "chn":
        return render_chn(rng, ppm, force)
    if kind in ID_KINDS:
        return render_id_document(kind, rng, ppm, force)
    if kind == "licence":
        return render_licence(rng, ppm)
    if kind == "letter":
        return render_letter(rng, min(ppm, 10.0))
    raise ValueError(f"unknown document kind {kind}")
