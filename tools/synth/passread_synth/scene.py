"""Photograph a flat document: background, placement (rotation, perspective, curvature), hand,
lighting, shadows, glare, blur, noise, colour and file encoding. Every parameter is recorded."""
from __future__ import annotations

import io
import math

import cv2
import numpy as np
from PIL import Image

from .rng import chance, pick

cv2.setNumThreads(1)

RESOLUTIONS = [(640, 480), (800, 600), (1024, 768), (1280, 720), (1280, 960), (1600, 1200), (1920, 1080),
               (2048, 1536), (2592, 1944), (3264, 2448), (4032, 3024)]
BACKGROUNDS = ["wood", "cloth", "clutter", "desk", "dark"]
FORMATS = ["jpg", "png", "bmp", "tif"]


def _r(x, n=4):
    return round(float(x), n)


def max_coverage(W, H, aspect, rotation_deg, persp) -> float:
    """Largest page-area/image-area fraction at which a rotated page of this aspect fits in W x H."""
    t = math.radians(rotation_deg)
    c, s = abs(math.cos(t)), abs(math.sin(t))
    w = min(0.97 * W / ((c + s / aspect) * (1 + persp)), 0.97 * H / ((s + c / aspect) * (1 + persp)))
    return w * w / aspect / (W * H)


def _fit(rng, sc, aspect, lo, hi, easy, swap=True):
    """Pick orientation / rotation / coverage so the requested coverage range is reachable."""
    W, H = sc["width"], sc["height"]
    if swap and max_coverage(H, W, aspect, sc["rotation_deg"], sc["perspective"]) > max_coverage(W, H, aspect, sc["rotation_deg"], sc["perspective"]) * 1.15:
        sc["width"], sc["height"] = H, W
    if not easy:
        for k in range(12):
            if max_coverage(sc["width"], sc["height"], aspect, sc["rotation_deg"], sc["perspective"]) >= lo * 1.04:
                break
            sc["rotation_deg"] = float(rng.uniform(0, 360)) if k < 8 else float(rng.integers(0, 4) * 90 + rng.uniform(-10, 10)) % 360
    else:
        for _ in range(6):
            if max_coverage(sc["width"], sc["height"], aspect, sc["rotation_deg"], sc["perspective"]) >= lo * 1.05:
                break
            r = sc["rotation_deg"]
            sc["rotation_deg"] = (((r + 180) % 360 - 180) * 0.5) % 360
    feas = max_coverage(sc["width"], sc["height"], aspect, sc["rotation_deg"], sc["perspective"]) * 0.98
    sc["coverage"] = rng.uniform(lo, min(hi, feas)) if feas > lo else feas


def sample_scene(rng, difficulty: str, max_side: int | None = None, force: dict | None = None,
                 aspect: float = 125 / 88, page_w_mm: float = 125.0) -> dict:
    """Draw scene parameters for a difficulty (easy|medium|hard). ``force`` overrides any key.
    ``aspect`` is the document's width/height (used so the requested coverage fits the frame)."""
    force = force or {}
    res = [r for r in RESOLUTIONS if max_side is None or max(r) <= max_side] or RESOLUTIONS[:1]
    W, H = pick(rng, res)
    if chance(rng, 0.15):
        W, H = H, W
    fmt = pick(rng, FORMATS, p=[0.82, 0.08, 0.03, 0.07])
    d = difficulty
    sc = {"difficulty": d, "width": W, "height": H, "format": fmt}
    if d == "easy":
        sc.update(rotation_deg=rng.uniform(-15, 15) % 360, coverage=rng.uniform(0.5, 0.9),
                  perspective=rng.uniform(0, 0.03), curvature=rng.uniform(0, 0.008) if chance(rng, 0.3) else 0.0,
                  blur_sigma=rng.uniform(0, 0.5), motion_blur_px=0.0, brightness=rng.uniform(0.92, 1.1),
                  noise_sigma=rng.uniform(0.5, 3), light_gradient=rng.uniform(0, 0.15), shadow=chance(rng, 0.1),
                  glare=chance(rng, 0.1), glare_over_mrz=False, jpeg_quality=int(rng.integers(75, 96)),
                  hand=chance(rng, 0.2))
    elif d == "medium":
        sc.update(rotation_deg=rng.uniform(0, 360), coverage=rng.uniform(0.35, 0.9),
                  perspective=rng.uniform(0, 0.06), curvature=rng.uniform(0, 0.02) if chance(rng, 0.4) else 0.0,
                  blur_sigma=rng.uniform(0.3, 1.2), motion_blur_px=rng.uniform(0, 3) if chance(rng, 0.3) else 0.0,
                  brightness=rng.uniform(0.7, 1.15), noise_sigma=rng.uniform(1, 6), light_gradient=rng.uniform(0.05, 0.3),
                  shadow=chance(rng, 0.3), glare=chance(rng, 0.3), glare_over_mrz=False,
                  jpeg_quality=int(rng.integers(60, 96)), hand=chance(rng, 0.35))
    else:
        sc.update(rotation_deg=rng.uniform(0, 360), coverage=rng.uniform(0.25, 0.35),
                  perspective=rng.uniform(0.05, 0.10), curvature=rng.uniform(0.01, 0.04),
                  blur_sigma=rng.uniform(1.2, 2.5), motion_blur_px=rng.uniform(0, 8) if chance(rng, 0.5) else 0.0,
                  brightness=rng.uniform(0.35, 0.7), noise_sigma=rng.uniform(5, 14), light_gradient=rng.uniform(0.2, 0.5),
                  shadow=chance(rng, 0.5), glare=chance(rng, 0.6), glare_over_mrz=False,
                  jpeg_quality=int(rng.integers(50, 80)), hand=chance(rng, 0.4))
        sc["glare_over_mrz"] = bool(sc["glare"] and chance(rng, 0.5))
    lo, hi = {"easy": (0.52, 0.9), "medium": (0.37, 0.9), "hard": (0.27, 0.35)}[d]
    if "width" in force:
        sc["width"], sc["height"] = force["width"], force["height"]
    _fit(rng, sc, aspect, lo, hi, d == "easy", swap="width" not in force)
    # easy/medium: keep MRZ characters >= ~9 px tall (page >= 3.9 px/mm), else use a larger resolution
    while d != "hard" and "width" not in force and \
            math.sqrt(sc["coverage"] * sc["width"] * sc["height"] * aspect) < 3.9 * page_w_mm:
        bigger = [r for r in res if r[0] * r[1] > sc["width"] * sc["height"]]
        if not bigger:
            break
        W2, H2 = bigger[0]
        sc["width"], sc["height"] = (W2, H2) if sc["width"] >= sc["height"] else (H2, W2)
        _fit(rng, sc, aspect, lo, hi, d == "easy", swap=True)
    sc["background"] = pick(rng, BACKGROUNDS)
    sc["motion_blur_angle_deg"] = rng.uniform(0, 180)
    sc["white_balance"] = [float(x) for x in rng.uniform(0.92, 1.08, 3)]
    sc.update(force)
    if sc["format"] != "jpg":
        sc["jpeg_quality"] = None
    for k, v in list(sc.items()):
        if isinstance(v, float):
            sc[k] = _r(v)
        elif isinstance(v, (np.bool_,)):
            sc[k] = bool(v)
    sc["white_balance"] = [_r(x, 3) for x in sc["white_balance"]]
    return sc


def page_ppm(sc: dict, size_mm) -> float:
    """Pixels per mm to render the flat page at, ~1.25x its size in the photograph."""
    W, H = sc["width"], sc["height"]
    a = size_mm[0] / size_mm[1]
    w = math.sqrt(sc["coverage"] * W * H * a)
    return float(np.clip(1.25 * w / size_mm[0], 4.0, 16.0))


# ------------------------------------------------------------------ backgrounds

def _lowfreq(rng, H, W, cell):
    h, w = max(2, int(H / cell)), max(2, int(W / cell))
    return cv2.resize(rng.normal(size=(h, w)).astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)


def background(rng, kind: str, W: int, H: int) -> np.ndarray:
    """Procedural surface (float32 HxWx3, 0..255)."""
    if kind == "wood":
        base = np.array(pick(rng, [(150, 105, 65), (120, 80, 50), (185, 140, 95), (95, 60, 40)]), np.float32)
        vertical = chance(rng, 0.5)
        hh, ww = (W, H) if vertical else (H, W)
        warp = _lowfreq(rng, hh, ww, max(hh, ww) / 6) * 25
        yy = np.arange(hh, dtype=np.float32)[:, None] + warp
        period = rng.uniform(8, 30) * max(W, H) / 1000
        grain = np.sin(yy / period) * 0.5 + 0.5 * np.sin(yy / (period * 0.37) + 1.3)
        streak = cv2.resize(rng.normal(size=(max(2, hh // 3), 8)).astype(np.float32), (ww, hh), interpolation=cv2.INTER_LINEAR)
        v = grain * 0.08 + streak * 0.05 + _lowfreq(rng, hh, ww, max(hh, ww) / 4) * 0.05
        if vertical:
            v = v.T
        img = base[None, None, :] * (1 + v[..., None])
    elif kind == "cloth":
        base = np.array(pick(rng, [(60, 70, 110), (140, 40, 50), (70, 90, 70), (180, 170, 150), (40, 40, 45)]), np.float32)
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        p = rng.uniform(2.5, 5.0) * max(W, H) / 1000 + 1.5
        weave = np.sin(xx * 2 * np.pi / p) * np.sin(yy * 2 * np.pi / p) * 0.06
        folds = _lowfreq(rng, H, W, max(H, W) / 5) * 0.12
        img = base[None, None, :] * (1 + weave[..., None] + folds[..., None])
    elif kind == "clutter":
        base = np.array(pick(rng, [(200, 195, 185), (170, 160, 150), (120, 120, 125)]), np.float32)
        img = np.empty((H, W, 3), np.float32)
        img[:] = base
        img *= 1 + _lowfreq(rng, H, W, max(H, W) / 3)[..., None] * 0.05
        for _ in range(int(rng.integers(3, 9))):
            cx, cy = rng.uniform(0, W), rng.uniform(0, H)
            w, h = rng.uniform(0.15, 0.5) * W, rng.uniform(0.15, 0.5) * H
            a = rng.uniform(0, np.pi)
            R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            pts = (np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2) @ R.T + [cx, cy]
            col = pick(rng, [(245, 245, 240), (250, 240, 150), (235, 235, 250), (230, 220, 200), (60, 60, 70)])
            cv2.fillPoly(img, [np.round(pts).astype(np.int32)], tuple(float(c) for c in col), cv2.LINE_AA)
            for k in range(int(rng.integers(0, 12))):  # text lines on the paper
                t = (k + 1) / 14
                p0 = pts[0] + (pts[3] - pts[0]) * t + (pts[1] - pts[0]) * 0.1
                p1 = p0 + (pts[1] - pts[0]) * rng.uniform(0.3, 0.8)
                cv2.line(img, tuple(np.round(p0).astype(int)), tuple(np.round(p1).astype(int)), (110, 110, 115),
                         max(1, int(min(W, H) / 400)), cv2.LINE_AA)
    elif kind == "desk":
        base = np.array(pick(rng, [(225, 225, 220), (200, 205, 210), (235, 230, 215)]), np.float32)
        img = base[None, None, :] * (1 + _lowfreq(rng, H, W, max(H, W) / 3)[..., None] * 0.04)
        img = np.broadcast_to(img, (H, W, 3)).copy()
    else:  # dark
        base = np.array(pick(rng, [(45, 45, 48), (70, 70, 72), (30, 32, 35)]), np.float32)
        img = base[None, None, :] * (1 + _lowfreq(rng, H, W, max(H, W) / 4)[..., None] * 0.08)
        img = np.broadcast_to(img, (H, W, 3)).copy()
    img += rng.standard_normal((H, W, 1), dtype=np.float32) * np.float32(2.0)
    return img.astype(np.float32)


# ------------------------------------------------------------------ geometry

def _area(q):
    x, y = q[:, 0], q[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def place(rng, W, H, size_mm, coverage, rotation_deg, persp):
    """Destination quad (TL, TR, BR, BL of the page) in image pixels."""
    a = size_mm[0] / size_mm[1]
    w = math.sqrt(coverage * W * H * a)
    h = w / a
    t = math.radians(rotation_deg)
    c, s = abs(math.cos(t)), abs(math.sin(t))
    bw, bh = w * c + h * s, w * s + h * c
    f = min(1.0, 0.97 * W / (bw * (1 + persp)), 0.97 * H / (bh * (1 + persp)))
    w, h, bw, bh = w * f, h * f, bw * f, bh * f
    cx = W / 2 + rng.uniform(-1, 1) * max(0.0, (W - bw * (1 + persp)) / 2) * 0.9
    cy = H / 2 + rng.uniform(-1, 1) * max(0.0, (H - bh * (1 + persp)) / 2) * 0.9
    R = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    base = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    jit = rng.uniform(-persp, persp, (4, 2)) * np.array([w, h]) / 2
    q = (base + jit) @ R.T + [cx, cy]
    for _ in range(50):
        # shift back inside the frame first; shrink only when the page is larger than the frame
        q = q + [max(0.0, 1 - q[:, 0].min()) - max(0.0, q[:, 0].max() - (W - 2)),
                 max(0.0, 1 - q[:, 1].min()) - max(0.0, q[:, 1].max() - (H - 2))]
        if q[:, 0].min() >= 1 and q[:, 0].max() <= W - 2 and q[:, 1].min() >= 1 and q[:, 1].max() <= H - 2:
            break
        c = q.mean(axis=0)
        q = (q - c) * 0.98 + c
    return q.astype(np.float32)


def curvature_warp(img, alpha, curv):
    """Bow the page: vertical displacement ~ curv*H*4u(1-u); returns padded image, alpha, pad, shade."""
    Hp, Wp = alpha.shape
    pad = int(math.ceil(abs(curv) * Hp)) + 2
    u = np.arange(Wp, dtype=np.float32) / max(1, Wp - 1)
    disp = curv * Hp * 4 * u * (1 - u)
    yy, xx = np.mgrid[0:Hp + 2 * pad, 0:Wp].astype(np.float32)
    map_y = yy - pad - disp[None, :]
    out = cv2.remap(img, xx, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    a = cv2.remap(alpha, xx, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    slope = np.abs(np.gradient(disp)) / max(1e-6, abs(curv) * Hp * 4 / Wp) if curv else np.zeros_like(u)
    shade = (1 - 0.12 * min(1.0, abs(curv) * 30) * slope)[None, :, None]
    return (out.astype(np.float32) * shade).clip(0, 255).astype(np.uint8), a, pad, disp


def warp_page(doc, quad, W, H, curv):
    """Warp the document image+alpha onto the W x H frame. Returns (rgb float32, alpha 0..1, H matrix, disp, pad)."""
    img, alpha = doc.image, doc.alpha
    Hp, Wp = alpha.shape
    # pre-shrink when the page is much larger than its footprint (avoid aliasing)
    foot = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
    scale = 1.0
    if Wp > 1.6 * foot:
        scale = 1.25 * foot / Wp
        img = cv2.resize(img, (max(2, int(Wp * scale)), max(2, int(Hp * scale))), interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(alpha, (img.shape[1], img.shape[0]), interpolation=cv2.INTER_AREA)
        Hp, Wp = alpha.shape
    pad, disp = 0, None
    if curv:
        img, alpha, pad, disp = curvature_warp(img, alpha, curv)
    src = np.array([[0, pad], [Wp, pad], [Wp, pad + Hp], [0, pad + Hp]], np.float32)
    M = cv2.getPerspectiveTransform(src, quad)
    rgb = cv2.warpPerspective(img, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    a = cv2.warpPerspective(alpha, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return rgb.astype(np.float32), a.astype(np.float32) / 255.0, M, (disp, pad, Wp, Hp, scale)


def map_points_mm(doc, pts_mm, M, warpinfo):
    disp, pad, Wp, Hp, _ = warpinfo
    out = []
    for x_mm, y_mm in pts_mm:
        x = x_mm / doc.size_mm[0] * Wp
        y = y_mm / doc.size_mm[1] * Hp + pad
        if disp is not None:
            y += float(np.interp(x, np.arange(len(disp)), disp))
        v = M @ np.array([x, y, 1.0])
        out.append([_r(v[0] / v[2], 1), _r(v[1] / v[2], 1)])
    return out


# ------------------------------------------------------------------ effects

def smooth(m: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a smooth mask; large sigmas are done at reduced resolution (fast, deterministic)."""
    if sigma <= 6:
        return cv2.GaussianBlur(m, (0, 0), max(0.5, sigma))
    f = int(sigma // 3)
    h, w = m.shape[:2]
    small = cv2.resize(m, (max(2, w // f), max(2, h // f)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / f)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _soft_ellipse(H, W, cx, cy, ax, ay, ang, blur):
    m = np.zeros((H, W), np.float32)
    cv2.ellipse(m, (int(cx), int(cy)), (max(1, int(ax)), max(1, int(ay))), ang, 0, 360, 1.0, -1, cv2.LINE_AA)
    return smooth(m, max(0.8, blur)) if blur > 0 else m


def add_hand(rng, img, quad, W, H):
    """A skin-tone hand shape holding a top corner of the page (never near the MRZ)."""
    ci = int(rng.integers(0, 2))
    corner = quad[ci]
    centre = quad.mean(axis=0)
    d = corner - centre
    d = d / (np.linalg.norm(d) + 1e-6)
    pw = np.linalg.norm(quad[1] - quad[0])
    skin = np.array(pick(rng, [(225, 180, 150), (200, 150, 120), (160, 110, 80), (110, 75, 55)]), np.float32)
    ang = math.degrees(math.atan2(d[1], d[0]))
    palm_c = corner + d * pw * 0.13
    thumb_c = corner - d * pw * 0.035
    m = np.maximum(_soft_ellipse(H, W, *palm_c, pw * 0.18, pw * 0.12, ang, pw * 0.004),
                   _soft_ellipse(H, W, *thumb_c, pw * 0.11, pw * 0.033, ang + rng.uniform(-25, 25), pw * 0.003))
    for f in range(3):  # fingers behind the page edge
        fa = math.radians(ang + 35 + f * 18)
        fc = palm_c + np.array([math.cos(fa), math.sin(fa)]) * pw * 0.17
        m = np.maximum(m, _soft_ellipse(H, W, *fc, pw * 0.09, pw * 0.028, math.degrees(fa), pw * 0.003))
    sh = smooth(m, pw * 0.02)
    img *= (1 - 0.35 * np.roll(sh, (int(pw * 0.015), int(pw * 0.015)), (0, 1)))[..., None]
    shade = 1 + 0.15 * _soft_ellipse(H, W, *(palm_c - d * pw * 0.05), pw * 0.1, pw * 0.06, ang, pw * 0.05)
    img[:] = img * (1 - m[..., None]) + (skin * shade[..., None]) * m[..., None]
    return "top_left" if ci == 0 else "top_right"


def lighting(rng, img, sc, quad, mrz_quad, W, H):
    info = {}
    xx = (np.arange(W, dtype=np.float32) / W - 0.5)[None, :]
    yy = (np.arange(H, dtype=np.float32) / H - 0.5)[:, None]
    g = sc["light_gradient"]
    ang = rng.uniform(0, 2 * np.pi)
    lin = xx * math.cos(ang) + yy * math.sin(ang)
    rad = xx ** 2 + yy ** 2
    illum = 1 + g * lin * 1.5 - g * rad
    info["light_angle_deg"] = _r(math.degrees(ang), 1)
    if sc["shadow"]:
        # soft half-plane shadow (e.g. from the photographer's arm)
        a2 = rng.uniform(0, 2 * np.pi)
        off = rng.uniform(-0.2, 0.3)
        plane = xx * math.cos(a2) + yy * math.sin(a2) - off
        mask = 1 / (1 + np.exp(-plane * rng.uniform(8, 40)))
        strength = rng.uniform(0.25, 0.5)
        illum *= 1 - strength * mask
        info["shadow_strength"] = _r(strength, 3)
    img *= illum[..., None]
    if sc["glare"]:
        pw = np.linalg.norm(quad[1] - quad[0])
        if sc["glare_over_mrz"] and mrz_quad is not None:
            mq = np.array(mrz_quad)
            t = rng.uniform(0.2, 0.8)
            c = (mq[0] * (1 - t) + mq[1] * t + mq[3] * (1 - t) + mq[2] * t) / 2
        else:
            # on the upper part of the page, away from the MRZ
            u, v = rng.uniform(0.15, 0.85), rng.uniform(0.1, 0.45)
            top = quad[0] * (1 - u) + quad[1] * u
            bot = quad[3] * (1 - u) + quad[2] * u
            c = top * (1 - v) + bot * v
        ax, ay = pw * rng.uniform(0.05, 0.14), pw * rng.uniform(0.025, 0.06)
        m = _soft_ellipse(H, W, c[0], c[1], ax, ay, rng.uniform(0, 180), ax * 0.35)
        inten = rng.uniform(0.7, 1.3)
        img += (m * inten * 255)[..., None]
        info["glare_center"] = [_r(c[0], 1), _r(c[1], 1)]
        info["glare_radius_px"] = _r(ax, 1)
        info["glare_intensity"] = _r(inten, 3)
    return info


def blur_noise(rng, img, sc):
    s = sc["blur_sigma"] * max(1.0, min(sc["width"], sc["height"]) / 720)
    if s > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), s)
    L = sc["motion_blur_px"] * max(1.0, min(sc["width"], sc["height"]) / 720)
    if L >= 1.0:
        k = int(math.ceil(L)) | 1
        ker = np.zeros((k, k), np.float32)
        ker[k // 2, :] = 1.0
        Rm = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), sc["motion_blur_angle_deg"], 1.0)
        ker = cv2.warpAffine(ker, Rm, (k, k))
        ker /= ker.sum()
        img = cv2.filter2D(img, -1, ker)
    img *= np.array(sc["white_balance"], np.float32) * sc["brightness"]
    img += rng.standard_normal(img.shape[:2] + (1,), dtype=np.float32) * np.float32(sc["noise_sigma"])
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(sc["noise_sigma"] * 0.4)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8), {"blur_sigma_px": _r(s, 3), "motion_blur_len_px": _r(L, 2)}


def encode(img: np.ndarray, fmt: str, quality: int | None = None, **kw) -> bytes:
    """Encode deterministically (no timestamps)."""
    im = Image.fromarray(img)
    buf = io.BytesIO()
    if fmt == "jpg":
        im.save(buf, "JPEG", quality=int(quality or 90), optimize=False, progressive=False, **kw)
    elif fmt == "png":
        im.save(buf, "PNG", compress_level=6)
    elif fmt == "bmp":
        im.save(buf, "BMP")
    elif fmt == "tif":
        im.save(buf, "TIFF", compression="tiff_adobe_deflate")
    else:
        raise ValueError(fmt)
    return buf.getvalue()


def photograph(rng, doc, sc: dict):
    """Compose ``doc`` into a photo described by ``sc``. Returns (uint8 image, extra scene info)."""
    W, H = sc["width"], sc["height"]
    bg = background(rng, sc["background"], W, H)
    quad = place(rng, W, H, doc.size_mm, sc["coverage"], sc["rotation_deg"], sc["perspective"])
    rgb, a, M, wi = warp_page(doc, quad, W, H, sc["curvature"])
    pw = np.linalg.norm(quad[1] - quad[0])
    sh = smooth(a, max(1.0, pw * 0.01))
    off = int(max(1, pw * 0.008))
    bg *= (1 - 0.3 * np.roll(sh, (off, off), (0, 1)))[..., None]
    img = bg * (1 - a[..., None]) + rgb * a[..., None]
    pq = map_points_mm(doc, [(0, 0), (doc.size_mm[0], 0), doc.size_mm, (0, doc.size_mm[1])], M, wi)
    info = {"page_quad": pq, "coverage_actual": _r(_area(np.array(pq)) / (W * H))}
    mq = None
    if doc.mrz_box_mm:
        x0, y0, x1, y1 = doc.mrz_box_mm
        mq = map_points_mm(doc, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], M, wi)
        info["mrz_quad"] = mq
    if sc.get("hand"):
        info["hand_corner"] = add_hand(rng, img, quad, W, H)
    info.update(lighting(rng, img, sc, quad, mq, W, H))
    out, binfo = blur_noise(rng, img, sc)
    info.update(binfo)
    info["page_ppm"] = _r(doc.ppm, 3)
    return out, info
