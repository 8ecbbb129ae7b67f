"""High-level, importable entry points.

* ``render_document(kind, rng, ppm=12, force=None) -> Doc`` -- flat page (``Doc.image`` RGB uint8,
  ``Doc.alpha``, ``Doc.mrz``, ``Doc.expected`` ...). Kinds: td3 hkg mac twn chn td1 td2 mrva mrvb licence letter.
* ``render_sample(seed, kind, difficulty, ...) -> (bytes, ext, record)`` -- a photographed scene, encoded,
  plus its truth.jsonl record (without "file").
"""
from __future__ import annotations

from .documents import doc_size_mm, render_document  # noqa: F401  (re-exported)
from .rng import sub_rng
from .scene import encode, page_ppm, photograph, sample_scene

SCENE_HEAD = ["seed", "width", "height", "format", "jpeg_quality", "rotation_deg", "coverage", "perspective",
              "curvature", "blur_sigma", "motion_blur_px", "brightness", "noise_sigma", "glare", "glare_over_mrz",
              "background", "layout"]


def order_scene(sc: dict) -> dict:
    out = {k: sc[k] for k in SCENE_HEAD if k in sc}
    out.update({k: v for k, v in sc.items() if k not in out})
    return out


def make_record(kind, difficulty, issuer, mrz, expected, expected_general, scene) -> dict:
    rec = {"file": None, "kind": kind, "difficulty": difficulty}
    if issuer:
        rec["issuer"] = issuer
    if mrz:
        rec["mrz"] = list(mrz)
    rec["expected"] = expected
    if expected_general is not None:
        rec["expected_general"] = expected_general
    rec["scene"] = order_scene(scene)
    return rec


def render_sample(seed: int, kind: str, difficulty: str, max_side: int | None = None,
                  doc_force: dict | None = None, scene_force: dict | None = None):
    """Render one photographed document (kind != negative). Deterministic in ``seed``."""
    rng_scene = sub_rng(seed, "scene")
    rng_doc = sub_rng(seed, "doc")
    rng_photo = sub_rng(seed, "photo")
    size = doc_size_mm(kind)
    sc = sample_scene(rng_scene, difficulty, max_side, scene_force, aspect=size[0] / size[1], page_w_mm=size[0])
    doc = render_document(kind, rng_doc, page_ppm(sc, size), doc_force)
    img, info = photograph(rng_photo, doc, sc)
    data = encode(img, sc["format"], sc.get("jpeg_quality"))
    scene = dict(seed=seed, **sc, layout=doc.layout, **info)
    issuer = doc.issuer if doc.issuer else None
    rec = make_record(kind, difficulty, issuer, doc.mrz, doc.expected, doc.expected_general, scene)
    return data, sc["format"], rec
