"""Recorded kiosk camera sequences: a fixed camera looking down at a scanner window.

Each sequence: empty window, a hand placing the page (motion blur), still frames (sensor noise, <= ~1 px
jitter, optional glare over the MRZ), removal, empty again. Output per sequence directory:
manifest.json (passread-sequence/1), frame files (.jpg baseline JPEG for MJPG, raw .yuyv for YUYV),
truth.json.
"""
from __future__ import annotations

import json
import math
import os

import cv2
import numpy as np

from .documents import doc_size_mm, render_document
from .rng import sub_rng
from .scene import _soft_ellipse, add_hand, background, encode, map_points_mm, place, smooth, warp_page

FPS = 15
# name: (pixel format, W, H, presentations [(kind, doc_force, upside_down)], glare, frame plan)
STANDARD = {
    "td3_mjpeg_1280x720": ("MJPG", 1280, 720, [("td3", {"issuer": "D"}, False)], False, (3, 3, 10, 3, 2)),
    "chn_mjpeg_1280x720": ("MJPG", 1280, 720, [("chn", {"name_layout": "split"}, False)], False, (3, 3, 10, 3, 2)),
    "glare_mjpeg_1280x720": ("MJPG", 1280, 720, [("td3", {"issuer": "GBR"}, False)], True, (3, 3, 12, 3, 2)),
    "upside_down_yuyv_640x480": ("YUYV", 640, 480, [("td3", {"issuer": "UTO"}, True)], False, (2, 2, 10, 1, 1)),
    "twice_mjpeg_1280x720": ("MJPG", 1280, 720, [("td3", {"issuer": "FRA"}, False), ("hkg", {}, False)], False,
                             (2, 3, 10, 3, 3)),
}


def rgb_to_yuyv(img: np.ndarray) -> bytes:
    """Packed YUYV 4:2:2 (Y0 U Y1 V), BT.601 limited range."""
    f = img.astype(np.float32) / 255.0
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + 65.481 * r + 128.553 * g + 24.966 * b
    u = 128 - 37.797 * r - 74.203 * g + 112.0 * b
    v = 128 + 112.0 * r - 93.786 * g - 18.214 * b
    u2 = (u[:, 0::2] + u[:, 1::2]) / 2
    v2 = (v[:, 0::2] + v[:, 1::2]) / 2
    out = np.empty((img.shape[0], img.shape[1] * 2), np.float32)
    out[:, 0::4], out[:, 1::4], out[:, 2::4], out[:, 3::4] = y[:, 0::2], u2, y[:, 1::2], v2
    return np.clip(np.round(out), 0, 255).astype(np.uint8).tobytes()


def _surface(rng, W, H):
    bg = background(rng, "dark", W, H)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    vig = 1 - 0.35 * (((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) * 2)
    return bg * vig[..., None], vig


def _quad_at(final, t, start_off, rot_off):
    c = final.mean(axis=0)
    ang = math.radians(rot_off * (1 - t))
    R = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
    return ((final - c) @ R.T + c + start_off * (1 - t)).astype(np.float32)


def _motion_blur(img, dx, dy):
    L = math.hypot(dx, dy)
    if L < 1.5:
        return img
    k = int(math.ceil(L)) | 1
    ker = np.zeros((k, k), np.float32)
    ker[k // 2, :] = 1
    Rm = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), -math.degrees(math.atan2(dy, dx)), 1.0)
    ker = cv2.warpAffine(ker, Rm, (k, k))
    return cv2.filter2D(img, -1, ker / ker.sum())


def make_sequence(out_dir: str, name: str, seed: int, spec) -> dict:
    fmt, W, H, presentations, glare, plan = spec
    rng = sub_rng(seed, "sequence", name)
    os.makedirs(out_dir, exist_ok=True)
    surface, vig = _surface(rng, W, H)
    n_empty0, n_in, n_still, n_out, n_empty1 = plan
    frames, pres_truth = [], []
    idx = 0

    def emit(img_f, state, usable):
        nonlocal idx
        fr = sub_rng(seed, "frame", name, idx)
        img = img_f * (1 + fr.normal(0, 0.006))
        sigma = fr.uniform(1.0, 2.0)
        img = img + fr.standard_normal(img.shape[:2] + (1,), dtype=np.float32) * np.float32(sigma)
        img += fr.standard_normal(img.shape, dtype=np.float32) * np.float32(sigma * 0.5)
        img = np.clip(img + 0.5, 0, 255).astype(np.uint8)
        if fmt == "MJPG":
            fn, data = f"frame_{idx:03d}.jpg", encode(img, "jpg", 55, subsampling=1)
        else:
            fn, data = f"frame_{idx:03d}.yuyv", rgb_to_yuyv(img)
        with open(os.path.join(out_dir, fn), "wb") as fh:
            fh.write(data)
        frames.append({"file": fn, "t_ms": int(round(idx * 1000 / FPS)), "state": state, "usable": usable})
        idx += 1

    for _ in range(n_empty0):
        emit(surface, "empty", False)
    for pi, (kind, force, upside) in enumerate(presentations):
        prng = sub_rng(seed, name, "presentation", pi)
        size = doc_size_mm(kind)
        cov = prng.uniform(0.45, 0.7)
        rot = (180.0 if upside else 0.0) + prng.uniform(-4, 4)
        w_px = math.sqrt(cov * W * H * size[0] / size[1])
        doc = render_document(kind, sub_rng(seed, name, "doc", pi), float(np.clip(1.25 * w_px / size[0], 4, 16)), force)
        final = place(prng, W, H, size, cov, rot % 360, 0.015)
        final = final - final.mean(axis=0) + np.array([W / 2, H / 2], np.float32) + (prng.uniform(-0.03, 0.03, 2) * [W, H]).astype(np.float32)
        side = prng.choice([-1, 1])
        start_off = np.array([side * W * 0.9, prng.uniform(-0.2, 0.2) * H], np.float32)
        rot_off = prng.uniform(-20, 20)
        t_in = [(k + 1) / (n_in + 1) for k in range(n_in)]
        t_in = [1 - (1 - t) ** 2 for t in t_in]
        glare_frames = set()
        if glare:
            g0 = int(prng.integers(3, max(4, n_still - 5)))
            glare_frames = set(range(g0, g0 + 4))
        first = idx

        def render(quad, hand, extra=None):
            rgb, a, M, wi = warp_page(doc, quad, W, H, 0.0)
            pw = np.linalg.norm(quad[1] - quad[0])
            sh = smooth(a, max(1.0, pw * 0.01))
            img = surface * (1 - 0.35 * np.roll(sh, (3, 3), (0, 1)))[..., None]
            img = img * (1 - a[..., None]) + (rgb * vig[..., None]) * a[..., None]
            if hand:
                add_hand(sub_rng(seed, name, "hand", pi), img, quad, W, H)
            return img, M, wi

        prev = _quad_at(final, 0.0, start_off, rot_off)
        for t in t_in:
            q = _quad_at(final, t, start_off, rot_off)
            img, _, _ = render(q, True)
            d = (q.mean(0) - prev.mean(0)) * 0.3
            emit(_motion_blur(img, d[0], d[1]), "moving", False)
            prev = q
        fr_mrz = None
        for k in range(n_still):
            j = sub_rng(seed, name, "jitter", pi, k).uniform(-0.7, 0.7, 2).astype(np.float32)
            img, M, wi = render(final + j, False)
            if k in glare_frames:
                x0, y0, x1, y1 = doc.mrz_box_mm
                mq = np.array(map_points_mm(doc, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], M, wi))
                u = 0.3 + 0.1 * (k - min(glare_frames))
                c = (mq[0] * (1 - u) + mq[1] * u + mq[3] * (1 - u) + mq[2] * u) / 2
                pw = np.linalg.norm(final[1] - final[0])
                m = _soft_ellipse(H, W, c[0], c[1], pw * 0.12, pw * 0.05, 10, pw * 0.04)
                img = img + (m * 255 * 1.1)[..., None]
                emit(img, "glare", False)
            else:
                emit(img, "still", True)
        t_out = [1 - (1 - (k + 1) / (n_out + 1)) ** 2 for k in range(n_out)]
        prev = final
        for t in t_out:
            q = _quad_at(final, 1 - t, -start_off, -rot_off)
            img, _, _ = render(q, True)
            d = (q.mean(0) - prev.mean(0)) * 0.3
            emit(_motion_blur(img, d[0], d[1]), "moving", False)
            prev = q
        pt = {"first_frame": first, "last_frame": idx - 1, "result": doc.expected["result"]}
        if doc.expected_general:
            pt["result_general"] = doc.expected_general["result"]
        pt["mrz"] = doc.mrz
        pres_truth.append(pt)
        for _ in range(n_empty1 if pi == len(presentations) - 1 else n_empty0 + 1):
            emit(surface, "empty", False)
    manifest = {"format": "passread-sequence/1", "pixel_format": fmt, "width": W, "height": H, "fps": FPS,
                "frames": [{"file": f["file"], "t_ms": f["t_ms"]} for f in frames]}
    truth = {"presentations": pres_truth,
             "frames": [{"index": i, "state": f["state"], "usable": f["usable"]} for i, f in enumerate(frames)]}
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    with open(os.path.join(out_dir, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return truth


def write_standard_sequences(out: str, seed: int):
    for name, spec in STANDARD.items():
        make_sequence(os.path.join(out, name), name, seed, spec)
