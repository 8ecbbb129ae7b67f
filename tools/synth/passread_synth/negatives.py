"""Negative samples and the error code the reader must return for each.

AIS.0105 no passport found, AIS.0104 page too small / quality too poor, AIS.0103 side < 15 or > 8192 px,
AIS.0102 unsupported format, corrupt or truncated file.
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from .documents import doc_size_mm, render_document
from .render import make_record
from .rng import pick, sub_rng
from .scene import background, blur_noise, encode, lighting, page_ppm, photograph, sample_scene

NEGATIVE_TYPES = {
    "background": "AIS.0105", "licence": "AIS.0105", "letter": "AIS.0105", "small_page": "AIS.0104",
    "tiny": "AIS.0103", "huge_claim": "AIS.0103", "truncated_jpeg": "AIS.0102", "corrupt_bytes": "AIS.0102",
    "empty_file": "AIS.0102", "gif_as_jpg": "AIS.0102", "webp_as_jpg": "AIS.0102",
}
WEIGHTS = {"background": 3, "licence": 2, "letter": 2, "small_page": 3, "tiny": 1, "huge_claim": 1,
           "truncated_jpeg": 1, "corrupt_bytes": 1, "empty_file": 0.5, "gif_as_jpg": 0.5, "webp_as_jpg": 0.5}


def pick_type(rng) -> str:
    names = list(WEIGHTS)
    return pick(rng, names, p=[WEIGHTS[n] for n in names])


def _scene_photo(seed, difficulty, max_side, kind, scene_force):
    rs, rd, rp = sub_rng(seed, "scene"), sub_rng(seed, "doc"), sub_rng(seed, "photo")
    size = doc_size_mm(kind)
    sc = sample_scene(rs, difficulty, max_side, scene_force, aspect=size[0] / size[1], page_w_mm=size[0])
    doc = render_document(kind, rd, page_ppm(sc, size))
    img, info = photograph(rp, doc, sc)
    return img, dict(sc, layout=doc.layout, **info), doc


def render_negative(seed: int, neg_type: str, difficulty: str, max_side: int | None = None,
                    scene_force: dict | None = None):
    """Returns (bytes, file extension, truth record without 'file')."""
    rng = sub_rng(seed, "negative")
    scene_force = dict(scene_force or {})
    code = NEGATIVE_TYPES[neg_type]
    ext = None
    if neg_type == "background":
        sc = sample_scene(sub_rng(seed, "scene"), difficulty, max_side, scene_force)
        rp = sub_rng(seed, "photo")
        img = background(rp, sc["background"], sc["width"], sc["height"])
        sc = dict(sc, glare=False, glare_over_mrz=False)
        q = np.array([[0, 0], [sc["width"], 0], [sc["width"], sc["height"]], [0, sc["height"]]], np.float32)
        lighting(rp, img, sc, q, None, sc["width"], sc["height"])
        img, binfo = blur_noise(rp, img, sc)
        scene = dict(sc, layout={}, **binfo)
        data, ext = encode(img, sc["format"], sc.get("jpeg_quality")), sc["format"]
    elif neg_type in ("licence", "letter"):
        scene_force.setdefault("glare_over_mrz", False)
        img, scene, _ = _scene_photo(seed, difficulty, max_side, neg_type, scene_force)
        data, ext = encode(img, scene["format"], scene.get("jpeg_quality")), scene["format"]
    elif neg_type == "small_page":
        scene_force.update(coverage=round(float(rng.uniform(0.06, 0.2)), 4), glare_over_mrz=False)
        kind = pick(rng, ["td3", "chn", "td3", "hkg"])
        img, scene, doc = _scene_photo(seed, difficulty, max_side, kind, scene_force)
        scene["contains_kind"] = kind
        data, ext = encode(img, scene["format"], scene.get("jpeg_quality")), scene["format"]
    else:
        w, h = int(rng.integers(320, 800)), int(rng.integers(240, 600))
        small = sample_scene(sub_rng(seed, "scene"), "easy", 800, {"width": w, "height": h, "format": "jpg"})
        img, scene, _ = _scene_photo(seed, "easy", 800, pick(rng, ["td3", "chn"]), small)
        scene = {"seed": seed, "width": w, "height": h}
        if neg_type == "tiny":
            tw, th = int(rng.integers(4, 15)), int(rng.integers(4, 15))
            ext = pick(rng, ["jpg", "png"])
            img = np.asarray(Image.fromarray(img).resize((tw, th), Image.BILINEAR))
            data = encode(img, ext, 90)
            scene.update(width=tw, height=th)
        elif neg_type == "huge_claim":
            tw, th = pick(rng, [(9000, 100), (100, 9000), (8200, 64), (12000, 40)])
            strip = np.asarray(Image.fromarray(img).resize((tw, th), Image.NEAREST))
            data, ext = encode(strip, "png"), "png"
            scene.update(width=tw, height=th)
        elif neg_type == "truncated_jpeg":
            full = encode(img, "jpg", 85)
            cut = float(rng.uniform(0.2, 0.7))
            data, ext = full[: int(len(full) * cut)], "jpg"
            scene["truncated_fraction"] = round(cut, 3)
        elif neg_type == "corrupt_bytes":
            ext = pick(rng, ["jpg", "png", "bmp", "tif"])
            n = int(rng.integers(200, 20000))
            data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
            if ext == "jpg" and rng.random() < 0.5:  # a JPEG header followed by garbage
                data = b"\xff\xd8\xff\xe0" + data
        elif neg_type == "empty_file":
            ext, data = pick(rng, ["jpg", "png"]), b""
        else:  # gif_as_jpg / webp_as_jpg
            buf = io.BytesIO()
            im = Image.fromarray(img)
            if neg_type == "gif_as_jpg":
                im.convert("P", palette=Image.ADAPTIVE).save(buf, "GIF")
            else:
                im.save(buf, "WEBP", quality=80, method=4)
            data, ext = buf.getvalue(), "jpg"
        scene["format"] = ext
        scene["jpeg_quality"] = None
        scene["bytes"] = len(data)
    scene = dict(scene)
    scene["seed"] = seed
    scene["negative_type"] = neg_type
    rec = make_record("negative", difficulty, None, None, {"error_code": code}, None, scene)
    return data, ext, rec
