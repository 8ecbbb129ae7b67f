"""Shared drawing helpers: fonts, mm canvas, guilloche, portrait, OCR-B MRZ, document record."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..rng import chance, pick

NOTO = "/usr/share/fonts/opentype/noto/"
OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
# face index inside the Noto CJK collections
_SCRIPT_INDEX = {"ja": 0, "ko": 1, "sc": 2, "tw": 3, "hk": 4}


@functools.lru_cache(maxsize=256)
def font(family: str, px: int, script: str = "ja", bold: bool = False) -> ImageFont.FreeTypeFont:
    """family: 'sans' | 'serif' | 'ocrb'."""
    px = max(4, int(px))
    if family == "ocrb":
        return ImageFont.truetype(OCRB, px)
    name = ("NotoSansCJK-" if family == "sans" else "NotoSerifCJK-") + ("Bold" if bold else "Regular") + ".ttc"
    return ImageFont.truetype(NOTO + name, px, index=_SCRIPT_INDEX.get(script, 0))


@functools.lru_cache(maxsize=8)
def _ocrb_cap_ratio() -> float:
    f = ImageFont.truetype(OCRB, 200)
    b = f.getbbox("H")
    return (b[3] - b[1]) / 200.0


@dataclass
class Doc:
    """A rendered flat document: RGB image + alpha, physical size, and its truth."""
    image: np.ndarray
    alpha: np.ndarray
    size_mm: tuple
    ppm: float
    kind: str
    issuer: str | None
    mrz: list | None
    mrz_box_mm: tuple | None
    expected: dict
    expected_general: dict | None = None
    layout: dict = field(default_factory=dict)


class Canvas:
    """A page drawn in millimetre coordinates at ``ppm`` pixels per mm."""

    def __init__(self, w_mm: float, h_mm: float, ppm: float, base=(245, 243, 236)):
        self.w_mm, self.h_mm, self.ppm = w_mm, h_mm, ppm
        self.W, self.H = int(round(w_mm * ppm)), int(round(h_mm * ppm))
        self.arr = np.empty((self.H, self.W, 3), np.uint8)
        self.arr[:] = base
        self.alpha = np.full((self.H, self.W), 255, np.uint8)
        self._img = None

    # numpy <-> PIL switching (drawing text needs PIL)
    @property
    def img(self) -> Image.Image:
        if self._img is None:
            self._img = Image.fromarray(self.arr)
        return self._img

    def sync(self):
        if self._img is not None:
            self.arr = np.asarray(self._img).copy()
            self._img = None

    def p(self, mm: float) -> int:
        return int(round(mm * self.ppm))

    def text(self, x, y, s, size_mm, color=(20, 20, 25), family="sans", script="ja", bold=False, anchor="la"):
        """Draw text with its top-left (anchor 'la' = left/ascender) at (x, y) mm. Returns width in mm."""
        if not s:
            return 0.0
        f = font(family, max(4, round(size_mm * self.ppm)), script, bold)
        d = ImageDraw.Draw(self.img)
        d.text((x * self.ppm, y * self.ppm), s, fill=tuple(color), font=f, anchor=anchor)
        return d.textlength(s, font=f) / self.ppm

    def text_width(self, s, size_mm, family="sans", script="ja", bold=False) -> float:
        f = font(family, max(4, round(size_mm * self.ppm)), script, bold)
        return f.getlength(s) / self.ppm

    def rect(self, x0, y0, x1, y1, fill=None, outline=None, width_mm=0.2):
        d = ImageDraw.Draw(self.img)
        d.rectangle([self.p(x0), self.p(y0), self.p(x1), self.p(y1)], fill=fill, outline=outline,
                    width=max(1, self.p(width_mm)))

    def paste(self, arr: np.ndarray, x_mm, y_mm, opacity=1.0):
        self.sync()
        x, y = self.p(x_mm), self.p(y_mm)
        h, w = arr.shape[:2]
        h, w = min(h, self.H - y), min(w, self.W - x)
        region = self.arr[y:y + h, x:x + w].astype(np.float32)
        self.arr[y:y + h, x:x + w] = (region * (1 - opacity) + arr[:h, :w].astype(np.float32) * opacity).astype(np.uint8)

    def round_corners(self, r_mm: float):
        r = self.p(r_mm)
        m = Image.new("L", (self.W, self.H), 0)
        ImageDraw.Draw(m).rounded_rectangle([0, 0, self.W - 1, self.H - 1], radius=r, fill=255)
        self.alpha = np.asarray(m).copy()


# ------------------------------------------------------------------ security background

PALETTES = {  # (paper base, guilloche colours)
    "teal": ((232, 242, 238), [(120, 175, 165), (160, 140, 190), (200, 170, 120)]),
    "rose": ((247, 236, 238), [(205, 140, 165), (165, 150, 205), (215, 180, 140)]),
    "green": ((236, 244, 230), [(130, 180, 120), (200, 170, 110), (120, 150, 190)]),
    "beige": ((246, 240, 224), [(190, 160, 110), (150, 170, 200), (200, 140, 140)]),
    "blue": ((232, 238, 248), [(120, 150, 205), (190, 150, 190), (140, 190, 180)]),
    "lilac": ((242, 236, 246), [(175, 140, 205), (215, 150, 180), (150, 170, 215)]),
    "grey": ((238, 238, 236), [(150, 160, 175), (185, 165, 150), (140, 175, 160)]),
}


def security_background(cv: Canvas, rng, palette: str, strength: float = 1.0):
    """Paper tint gradient, wave-line guilloche bands, one or two rosettes, fine fibres."""
    cv.sync()
    base, cols = PALETTES[palette]
    H, W = cv.H, cv.W
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    g = (xx / W * rng.uniform(-1, 1) + yy / H * rng.uniform(-1, 1)) * rng.uniform(4, 12)
    paper = np.clip(np.array(base, np.float32)[None, None, :] + g[..., None], 0, 255)
    groups = {}  # colour index -> (list of polylines, alpha)

    def stroke(pts, ci, a):
        groups.setdefault(ci, ([], a))[0].append(np.round(pts * 4).astype(np.int32))

    ppm = cv.ppm
    thick = max(1, int(round(0.08 * ppm)))
    # wave bands
    n = int(rng.integers(2, 4))
    xs = np.linspace(-5, W + 5, max(200, W // 3)).astype(np.float32)
    for b in range(n):
        lam = rng.uniform(14, 40) * ppm
        amp = rng.uniform(2, 8) * ppm
        y0 = rng.uniform(0, H)
        spacing = rng.uniform(0.6, 1.4) * ppm
        nlines = int(rng.integers(10, 26))
        ph = rng.uniform(0, 2 * np.pi)
        mod = rng.uniform(0.1, 0.5)
        for k in range(nlines):
            ys = y0 + k * spacing + amp * np.sin(2 * np.pi * xs / lam + ph + k * mod) \
                + 0.3 * amp * np.sin(2 * np.pi * xs / (lam * 2.7) + k * 0.21)
            stroke(np.stack([xs, ys], 1), b % len(cols), 0.55)
    # rosettes (hypotrochoids)
    for r_i in range(int(rng.integers(1, 3))):
        cx, cy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.15, 0.7) * H
        R = rng.uniform(12, 28) * ppm
        r = R / rng.choice([3.1, 4.2, 5.3, 6.7, 7.4])
        d = r * rng.uniform(0.6, 1.6)
        t = np.linspace(0, 2 * np.pi * 30, 6000).astype(np.float32)
        x = cx + (R - r) * np.cos(t) + d * np.cos((R - r) / r * t)
        y = cy + (R - r) * np.sin(t) - d * np.sin((R - r) / r * t)
        stroke(np.stack([x, y], 1), 3 + (r_i + 1) % len(cols), 0.35)
    out = paper
    for ci in sorted(groups):
        polys, a = groups[ci]
        m = np.zeros((H, W), np.uint8)
        cv2.polylines(m, polys, False, 255, thick, cv2.LINE_AA, shift=2)
        m = m.astype(np.float32) * (a * strength / 255.0)
        col = np.array(cols[ci % 3 if ci < 3 else (ci - 3) % len(cols)], np.float32)
        out = out * (1 - m[..., None]) + col * m[..., None]
    # fibres / speckle
    nf = int(W * H / (ppm * ppm) / 30)
    fx, fy = rng.uniform(0, W, nf), rng.uniform(0, H, nf)
    for x, y, c in zip(fx.astype(int), fy.astype(int), rng.integers(0, 3, nf)):
        cv2.circle(out, (int(x), int(y)), 0, tuple(float(v) for v in cols[c]), -1)
    cv.arr = np.clip(out, 0, 255).astype(np.uint8)


# ------------------------------------------------------------------ portrait

SKIN = [(241, 204, 177), (224, 172, 138), (198, 145, 108), (160, 110, 80), (110, 74, 52), (235, 190, 160)]
HAIR = [(30, 25, 22), (60, 40, 28), (110, 80, 50), (170, 140, 90), (120, 120, 120), (20, 20, 20)]
CLOTH = [(40, 50, 80), (70, 70, 70), (120, 30, 40), (30, 80, 60), (200, 200, 205), (20, 20, 25)]


def portrait(rng, w_px: int, h_px: int, grey: bool = False) -> np.ndarray:
    """A procedural head-and-shoulders silhouette on a light backdrop."""
    bg = tuple(int(v) for v in pick(rng, [(225, 228, 232), (205, 215, 228), (236, 236, 236), (215, 220, 215)]))
    im = Image.new("RGB", (w_px, h_px), bg)
    d = ImageDraw.Draw(im)
    skin, hair, cloth = pick(rng, SKIN), pick(rng, HAIR), pick(rng, CLOTH)
    cx = w_px * rng.uniform(0.46, 0.54)
    hw, hh = w_px * rng.uniform(0.26, 0.31), h_px * rng.uniform(0.27, 0.31)
    cy = h_px * rng.uniform(0.40, 0.46)
    d.ellipse([cx - w_px * 0.55, h_px * 0.78, cx + w_px * 0.55, h_px * 1.35], fill=cloth)  # shoulders
    d.rectangle([cx - hw * 0.42, cy + hh * 0.6, cx + hw * 0.42, h_px * 0.86], fill=skin)  # neck
    d.ellipse([cx - hw * 1.08, cy - hh * 1.12, cx + hw * 1.08, cy + hh * 0.55], fill=hair)  # hair back
    d.ellipse([cx - hw, cy - hh, cx + hw, cy + hh], fill=skin)
    if chance(rng, 0.7):  # fringe
        d.chord([cx - hw * 1.02, cy - hh * 1.15, cx + hw * 1.02, cy - hh * 0.05], 180, 360, fill=hair)
    ey = cy - hh * 0.05
    for sx in (-1, 1):
        ex = cx + sx * hw * 0.42
        d.ellipse([ex - hw * 0.14, ey - hh * 0.06, ex + hw * 0.14, ey + hh * 0.06], fill=(245, 245, 245))
        d.ellipse([ex - hw * 0.07, ey - hh * 0.06, ex + hw * 0.07, ey + hh * 0.06], fill=(40, 30, 25))
        d.line([ex - hw * 0.2, ey - hh * 0.2, ex + hw * 0.2, ey - hh * 0.22], fill=hair, width=max(1, w_px // 60))
    dark = tuple(int(c * 0.8) for c in skin)
    d.line([cx, ey + hh * 0.1, cx - hw * 0.08, ey + hh * 0.38, cx + hw * 0.05, ey + hh * 0.42], fill=dark,
           width=max(1, w_px // 80))
    d.line([cx - hw * 0.3, cy + hh * 0.58, cx + hw * 0.3, cy + hh * 0.58], fill=(150, 80, 80), width=max(1, w_px // 60))
    a = np.asarray(im).astype(np.float32)
    a = cv2.GaussianBlur(a, (0, 0), max(0.6, w_px / 250))
    shade = np.linspace(1.05, 0.9, w_px, dtype=np.float32)[None, :, None]
    a = a * shade
    if grey:
        g = a.mean(axis=2, keepdims=True)
        a = np.repeat(g, 3, axis=2) * np.array([1.0, 0.98, 0.95], np.float32)
    return np.clip(a, 0, 255).astype(np.uint8)


def signature(cv: Canvas, rng, x, y, w, h, color=(25, 35, 110)):
    d = ImageDraw.Draw(cv.img)
    n = int(rng.integers(12, 24))
    t = np.linspace(0, 1, n)
    xs = x + t * w + rng.normal(0, w * 0.03, n)
    ys = y + h / 2 + np.sin(t * rng.uniform(8, 20)) * h * 0.35 + rng.normal(0, h * 0.1, n)
    pts = [(cv.p(a), cv.p(b)) for a, b in zip(xs, ys)]
    d.line(pts, fill=color, width=max(1, cv.p(0.25)), joint="curve")


# ------------------------------------------------------------------ MRZ

def draw_mrz(cv: Canvas, rng, lines, x0_mm, bottom_baseline_mm, line_pitch_mm=4.23, char_h_mm=2.3,
             pitch_mm=2.54, weight=0.0, jitter_mm=0.04, ink=(18, 18, 22)):
    """Draw MRZ lines in OCR-B, one character per 2.54 mm cell. ``weight`` in mm (+ bolder, - thinner).

    Returns the MRZ bounding box (x0, y0, x1, y1) in mm.
    """
    cv.sync()
    ppm = cv.ppm
    size_px = char_h_mm * ppm / _ocrb_cap_ratio()
    f = font("ocrb", round(size_px))
    mask = Image.new("L", (cv.W, cv.H), 0)
    d = ImageDraw.Draw(mask)
    n = len(lines)
    for li, line in enumerate(lines):
        base_y = bottom_baseline_mm - (n - 1 - li) * line_pitch_mm
        line_jit = rng.normal(0, jitter_mm * 0.5)
        for ci, ch in enumerate(line):
            cx = x0_mm + (ci + 0.5) * pitch_mm + rng.normal(0, jitter_mm)
            cy = base_y + line_jit + rng.normal(0, jitter_mm * 0.4)
            d.text((cx * ppm, cy * ppm), ch, fill=255, font=f, anchor="ms")
    m = np.asarray(mask).astype(np.float32) / 255.0
    wpx = weight * ppm
    k = int(round(abs(wpx) * 2))
    if k >= 1:
        ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k + 1, k + 1))
        m = cv2.dilate(m, ker) if wpx > 0 else cv2.erode(m, ker)
    elif abs(wpx) > 0.15:  # sub-pixel weight change: blur + threshold shift
        b = cv2.GaussianBlur(m, (0, 0), 0.6)
        m = np.clip((b - (0.5 - wpx)) * 2 + 0.5, 0, 1) if wpx > 0 else np.clip(b * 1.2 - 0.2, 0, 1)
    m *= rng.uniform(0.88, 1.0)
    ink_arr = np.array(ink, np.float32)
    out = cv.arr.astype(np.float32) * (1 - m[..., None]) + ink_arr * m[..., None]
    cv.arr = np.clip(out, 0, 255).astype(np.uint8)
    top = bottom_baseline_mm - (n - 1) * line_pitch_mm - char_h_mm
    return (x0_mm, top, x0_mm + pitch_mm * len(lines[0]), bottom_baseline_mm)


def mrz_params(rng, difficulty_scale: float = 1.0) -> dict:
    """Per-document MRZ print variation (recorded in truth layout)."""
    return {
        "char_h_mm": round(float(rng.uniform(2.0, 2.5)), 3),
        "line_pitch_mm": round(float(rng.uniform(4.0, 4.4)), 3),
        "weight_mm": round(float(rng.uniform(-0.04, 0.07)), 3),
        "jitter_mm": round(float(rng.uniform(0.0, 0.06)), 3),
        "ink": [int(v) for v in rng.integers(8, 45, 3)],
        "bottom_mm": round(float(rng.uniform(3.0, 4.5)), 2),
    }
