"""Synthetic MRZ line strips, rendered exactly the way the Rust pipeline samples them.

One call of `make_strip(rng, ...)` does:
  1. pick a line of text (mrz_text.sample_line), a font cut and a print weight;
  2. compose it (plus partial neighbouring MRZ lines) as a signed distance field at
     atlas resolution (cap height A = 48 px), with per-character spacing/baseline jitter;
  3. render ink, downsample (INTER_AREA) to the *source* resolution (cap height h_src,
     6..80 px; work is capped at 48 px), put it on a procedural background (paper,
     guilloche / rosette / fibre textures, uneven light, glare, dark exposure) and
     degrade it (Gaussian / motion blur, noise, 8-bit quantisation, JPEG 30..95);
  4. simulate an imperfect localizer (end errors, char-height error, stretch, skew,
     vertical offset, curvature, slight perspective) and sample the strip with
     bilinear interpolation exactly as the contract in models/mrz/MANIFEST.md says:
     box = [left end - h_e, right end + h_e] x [centre - h_e, centre + h_e],
     resampled to (8n+16) x 32, pixel centres at (j+0.5, i+0.5);
  5. normalize with the strip's 5th/95th luma percentiles and pad on the right with
     1.0 to W = 368.

Held-out variation (never produced when split == "train"):
  * print weight band WEIGHT_HELDOUT (semi-bold) and
  * background family "rosette" (concentric/radial guilloche).
"""
import os
import glob
import math
import numpy as np
import cv2
from PIL import Image, ImageDraw, ImageFont

from mrz_text import ALPHABET, sample_line, random_line

STRIP_H = 32
PITCH_PX = 8
W = 368
A = 48  # atlas cap height in px

# print weight = SDF threshold offset in atlas px (stroke width at A=48 is ~6.7 px)
WEIGHT_TRAIN = [(-1.8, 0.9), (1.7, 3.2)]
WEIGHT_HELDOUT = (0.9, 1.7)
BG_TRAIN = ["plain", "waves", "fibre", "lines"]
BG_HELDOUT = ["rosette"]


def _find_font(patterns):
    for p in patterns:
        hits = sorted(glob.glob(p))
        if hits:
            return hits[0]
    return None


FONT_FILES = {
    "ocrb": _find_font(["/usr/share/fonts/opentype/ocr-b/OCRB.otf", "/usr/share/fonts/**/OCRB.otf"]),
    "ocrb_sharp": _find_font(["/usr/share/fonts/opentype/ocr-b/OCRBS.otf", "/usr/share/fonts/**/OCRBS.otf"]),
    "dejavu_mono": _find_font(["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"]),
}
FONT_SHARE = [("ocrb", 0.72), ("ocrb_sharp", 0.22), ("dejavu_mono", 0.06)]


class Atlas:
    """Per-character signed distance fields (positive outside ink), atlas px."""

    def __init__(self, path, A=A):
        self.A = A
        ft0 = ImageFont.truetype(path, 100)
        im = Image.new("L", (300, 220), 0)
        ImageDraw.Draw(im).text((50, 40), "H", font=ft0, fill=255)
        ys = np.nonzero(np.array(im) > 127)[0]
        cap100 = ys.max() - ys.min() + 1
        size = int(round(100 * A / cap100))
        ft = ImageFont.truetype(path, size)
        self.advance = ft.getlength("H")
        pad = int(A * 0.45)
        self.pad = pad
        # cell: x in [-pad, advance + pad), y from cap top - 0.45A .. baseline + 0.45A
        cw = int(math.ceil(self.advance)) + 2 * pad
        ch = int(A * 1.9)
        self.top = int(A * 0.45)  # cap top row inside cell
        self.sdf = {}
        for c in ALPHABET:
            im = Image.new("L", (cw, ch), 0)
            ImageDraw.Draw(im).text((pad, self.top + A), c, font=ft, fill=255, anchor="ls")
            m = (np.array(im) > 127).astype(np.uint8)
            d_out = cv2.distanceTransform(1 - m, cv2.DIST_L2, 5)
            d_in = cv2.distanceTransform(m, cv2.DIST_L2, 5)
            self.sdf[c] = (d_out - d_in).astype(np.float32)
            self.cw, self.ch = cw, ch
        self.ink_w = self._ink_width()

    def _ink_width(self):
        m = self.sdf["H"] < 0
        xs = np.nonzero(m.any(0))[0]
        return float(xs.max() - xs.min() + 1), float(xs.min() - self.pad)


_ATLASES = {}


def atlas(name, a=A):
    if (name, a) not in _ATLASES:
        _ATLASES[(name, a)] = Atlas(FONT_FILES[name], a)
    return _ATLASES[(name, a)]


def _u(rng, a, b):
    return float(rng.uniform(a, b))


def _compose_sdf(rng, lines, at, pitch_a, line_gap, jit, d):
    """lines: list of (text, y_centre_offset_in_A_units). Returns sdf canvas, x0 (ink left of main line)."""
    A = at.A
    n = max(len(t) for t, _ in lines)
    mx = int(3.6 * A)
    Wc = int(mx * 2 + n * pitch_a + at.cw)
    Hc = int(A * 5.4)
    yc = Hc / 2.0
    sdf = np.full((Hc, Wc), 50.0, np.float32)
    for text, yoff in lines:
        base_dx = _u(rng, -0.6, 0.6) * pitch_a if yoff != 0 else 0.0
        for i, c in enumerate(text):
            x = mx + i * pitch_a + base_dx + rng.normal(0, jit * pitch_a)
            y = yc + yoff * A - A / 2.0 - at.top + rng.normal(0, jit * A)
            xi, yi = int(round(x)), int(round(y))
            y0, y1 = max(yi, 0), min(yi + at.ch, Hc)
            if y1 <= y0:
                continue
            g = at.sdf[c][y0 - yi:y1 - yi]
            x0c, x1c = max(xi, 0), min(xi + at.cw, Wc)
            g = g[:, x0c - xi:x1c - xi]
            np.minimum(sdf[y0:y1, x0c:x1c], g, out=sdf[y0:y1, x0c:x1c])
    ink_w, ink_off = at.ink_w
    xl = mx + ink_off  # ink left of first glyph (approx., font-level metric)
    xr = mx + (len(lines[0][0]) - 1) * pitch_a + ink_off + ink_w
    return sdf, xl, xr, yc


def _smooth_noise(rng, h, w, scale):
    sh, sw = max(2, int(h / scale) + 2), max(2, int(w / scale) + 2)
    z = rng.standard_normal((sh, sw)).astype(np.float32)
    return cv2.resize(z, (w, h), interpolation=cv2.INTER_CUBIC)


def _background(rng, fam, h, w, hs, d):
    """Paper + security texture, luma in [0,1]. hs = char height in px (pattern scale)."""
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    paper = _u(rng, 0.6, 0.98)
    bg = np.full((h, w), paper, np.float32)
    if fam == "plain":
        bg += 0.03 * d * _smooth_noise(rng, h, w, hs * _u(rng, 0.5, 3))
    elif fam == "waves":
        for _ in range(int(rng.integers(1, 4))):
            period = hs * _u(rng, 0.15, 0.7)
            ang = _u(rng, -1.2, 1.2)
            amp = hs * _u(rng, 0.1, 1.5)
            wl = hs * _u(rng, 1.5, 8)
            ph = _u(rng, 0, 6.3)
            u = xx * math.cos(ang) + yy * math.sin(ang)
            vv = -xx * math.sin(ang) + yy * math.cos(ang)
            s = np.sin(2 * np.pi * (vv + amp * np.sin(2 * np.pi * u / wl + ph)) / period)
            sharp = _u(rng, 1, 6)
            line = np.exp(-sharp * (1 - s))  # thin bright-peaked lines
            bg -= _u(rng, 0.04, 0.12 + 0.25 * d) * line
    elif fam == "lines":
        period = hs * _u(rng, 0.12, 0.5)
        ang = _u(rng, -3.1, 3.1)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        s = 0.5 + 0.5 * np.sin(2 * np.pi * u / period)
        bg -= _u(rng, 0.03, 0.1 + 0.2 * d) * s ** _u(rng, 1, 4)
    elif fam == "fibre":
        bg += _u(rng, 0.02, 0.04 + 0.06 * d) * _smooth_noise(rng, h, w, hs * _u(rng, 0.2, 1.0))
        k = int(rng.integers(0, 30))
        for _ in range(k):  # small specks / fibres
            x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
            L = hs * _u(rng, 0.05, 0.6)
            a = _u(rng, 0, 3.14)
            cv2.line(bg, (x0, y0), (int(x0 + L * math.cos(a)), int(y0 + L * math.sin(a))),
                     float(paper - _u(rng, 0.05, 0.3)), 1)
    elif fam == "rosette":
        cx, cy = _u(rng, -0.5, 1.5) * w, _u(rng, -3, 4) * h
        r = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
        th = np.arctan2(yy - cy, xx - cx)
        period = hs * _u(rng, 0.15, 0.6)
        m = int(rng.integers(6, 40))
        s = np.cos(2 * np.pi * r / period + _u(rng, 0.5, 4) * np.sin(m * th))
        bg -= _u(rng, 0.04, 0.12 + 0.25 * d) * np.exp(-_u(rng, 1, 5) * (1 - s))
    # printed colour bands / tint gradients
    if rng.random() < 0.5:
        g = _u(rng, -1, 1) * xx / max(w, 1) + _u(rng, -1, 1) * yy / max(h, 1)
        bg += _u(rng, 0, 0.12) * g
    return bg


def _illumination(rng, img, h, w, d):
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    # uneven light: smooth multiplicative field
    f = 1 + _u(rng, 0, 0.5 * d + 0.1) * (_u(rng, -1, 1) * (xx / w - 0.5) + _u(rng, -1, 1) * (yy / h - 0.5))
    if rng.random() < 0.4:
        f *= 1 + _u(rng, 0, 0.3 * d + 0.05) * _smooth_noise(rng, h, w, max(h, w) / 3)
    img = img * f
    # glare patch (saturating)
    if rng.random() < 0.15 + 0.25 * d:
        cx, cy = _u(rng, 0, w), _u(rng, -0.2, 1.2) * h
        sx, sy = _u(rng, 0.05, 0.4) * w, _u(rng, 0.3, 2) * h
        b = _u(rng, 0.2, 0.4 + 0.5 * d)
        img = img + b * np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))
    # dark / bright exposure
    r = rng.random()
    if r < 0.2 * d + 0.05:
        img = img * _u(rng, 0.08, 0.4)
    elif r < 0.35:
        img = img * _u(rng, 0.7, 1.3)
    return img


def _motion_kernel(rng, L):
    L = max(1, int(round(L)))
    k = np.zeros((2 * L + 1, 2 * L + 1), np.float32)
    a = _u(rng, 0, math.pi)
    c, s = math.cos(a), math.sin(a)
    cv2.line(k, (int(round(L - L * c)), int(round(L - L * s))), (int(round(L + L * c)), int(round(L + L * s))), 1.0, 1)
    return k / k.sum()


def pick_weight(rng, split):
    if split == "heldout":
        return _u(rng, *WEIGHT_HELDOUT)
    lo, hi = WEIGHT_TRAIN[0] if rng.random() < 0.75 else WEIGHT_TRAIN[1]
    return _u(rng, lo, hi)


def make_strip(rng, split="train", level=None, text=None, h_src=None, return_meta=False):
    """Return (strip float32 [32, 368] in [0,1], text, meta).

    split: "train" | "val" (same variation as train) | "heldout" (held-out weight band
    and/or held-out background family).  level: degradation strength in [0,1].
    """
    d = float(rng.uniform(0, 1)) if level is None else float(level)
    if text is None:
        text = sample_line(rng)
    n = len(text)
    r = rng.random()
    font = "ocrb"
    acc = 0
    for name, p in FONT_SHARE:
        acc += p
        if r < acc:
            font = name
            break
    if FONT_FILES.get(font) is None:
        font = "ocrb"
    if h_src is None:
        h_src = float(math.exp(rng.uniform(math.log(6), math.log(80))))
    a_res = 24 if h_src <= 22 else A
    at = atlas(font, a_res)
    # --- held-out bookkeeping
    if split == "heldout":
        ho = rng.random()
        use_w_ho = ho < 0.67
        use_bg_ho = ho >= 0.33
    else:
        use_w_ho = use_bg_ho = False
    weight = _u(rng, *WEIGHT_HELDOUT) if use_w_ho else pick_weight(rng, "train")
    if font == "dejavu_mono":
        weight -= 0.4  # DejaVu is a little heavier than OCR-B
    fam = rng.choice(BG_HELDOUT) if use_bg_ho else rng.choice(BG_TRAIN, p=[0.3, 0.35, 0.2, 0.15])

    # --- printed geometry (atlas units)
    pitch_a = at.advance * _u(rng, 0.94, 1.08)
    jit = 0.035 * d + 0.005
    lines = [(text, 0.0)]
    gap = _u(rng, 1.55, 1.95)
    if rng.random() < 0.75:
        lines.append((sample_line(rng)[:n] if rng.random() < 0.8 else random_line(rng, n), -gap))
    if rng.random() < 0.6:
        lines.append((sample_line(rng)[:n] if rng.random() < 0.8 else random_line(rng, n), gap))
    sdf, xl, xr, yc = _compose_sdf(rng, lines, at, pitch_a, gap, jit, d)
    ink = np.clip(0.5 + weight * (a_res / A) - sdf, 0, 1)
    if rng.random() < 0.12 + 0.2 * d:  # worn print / toner dropouts
        hole = _smooth_noise(rng, ink.shape[0], ink.shape[1], a_res * _u(rng, 0.05, 0.3))
        ink *= np.clip(1.5 - _u(rng, 0.6, 1.2) * np.abs(hole), 0, 1) if rng.random() < 0.5 else np.clip(hole + 2.2 - 2 * d, 0, 1)

    # --- source resolution
    h_w = min(h_src, 48.0)  # working resolution (cap height in px)
    sc = h_w / a_res
    Hs, Ws = max(8, int(round(ink.shape[0] * sc))), max(8, int(round(ink.shape[1] * sc)))
    ink_s = cv2.resize(ink, (Ws, Hs), interpolation=cv2.INTER_AREA if sc < 1 else cv2.INTER_LINEAR)
    sx, sy = Ws / ink.shape[1], Hs / ink.shape[0]
    xl_s, xr_s, yc_s = xl * sx, xr * sx, yc * sy
    pitch_s = pitch_a * sx

    bg = _background(rng, fam, Hs, Ws, h_w, d)
    ink_level = _u(rng, 0.0, 0.25 + 0.2 * d)
    img = bg * (1 - ink_s) + ink_level * ink_s
    img = _illumination(rng, img, Hs, Ws, d)
    # optics
    sig = max(_u(rng, 0, 0.3 + 0.9 * d), _u(rng, 0, 0.02 + 0.08 * d) * h_w)
    if sig > 0.15:
        img = cv2.GaussianBlur(img, (0, 0), sig)
    if rng.random() < 0.25 * d:
        img = cv2.filter2D(img, -1, _motion_kernel(rng, _u(rng, 0.5, 0.25 * h_w * d + 1)))
    # sensor noise (relative to exposure), quantisation, JPEG
    nz = _u(rng, 0, 0.01 + 0.035 * d)
    img = img + rng.standard_normal(img.shape).astype(np.float32) * nz * (0.5 + np.sqrt(np.clip(img, 0, 1)))
    img8 = np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < 0.4 + 0.5 * d:
        q = int(rng.integers(int(95 - 65 * d), 96))
        ok, buf = cv2.imencode(".jpg", img8, [cv2.IMWRITE_JPEG_QUALITY, q])
        img8 = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    src = img8.astype(np.float32)

    # --- imperfect localisation (source px)
    h_true = h_w * (1.0)
    h_e = h_true * (1 + _u(rng, -0.15, 0.15))
    # end errors in pitches, + = inward; each end independent.  The box edge (end -/+ h_e)
    # normally stays >= 0.1 pitch outside the ink; in 5% of cases per end it may cut <= 0.5 char.
    e1 = _u(rng, -2.0, 1.0)
    e2 = _u(rng, -2.0, 1.0)
    xl_e = xl_s + e1 * pitch_s
    xr_e = xr_s - e2 * pitch_s
    cut_l = _u(rng, -0.1, 0.5) if rng.random() < 0.05 else -0.1
    cut_r = _u(rng, -0.1, 0.5) if rng.random() < 0.05 else -0.1
    xl_e = min(xl_e, xl_s + h_e + cut_l * pitch_s)
    xr_e = max(xr_e, xr_s - h_e - cut_r * pitch_s)
    # extra horizontal compression (box too long, e.g. localizer swallowed extra texture):
    # text scale in the strip down to ~0.8 of nominal
    s = 1.0
    if rng.random() < 0.35:
        s = _u(rng, 1.0, 1.25)
        extra = (xr_e - xl_e + 2 * h_e) * (s - 1)
        k = _u(rng, 0, 1)
        xl_e -= extra * k
        xr_e += extra * (1 - k)
    dy = _u(rng, -0.25, 0.25) * h_e
    curv = _u(rng, -0.12, 0.12) * h_e if rng.random() < 0.4 else 0.0
    # residual skew up to 3 deg, but bounded so that the glyphs at the line ends stay inside
    # the +-1 h box: |dy| + |curvature| + |tan(theta)| * half line length <= 0.5 h.
    # (A 3 deg error over a 44-char line moves its ends by 1.15 h: out of the strip.)
    half_len = 0.5 * (xr_s - xl_s)
    room = max(0.0, 0.5 * h_true - abs(dy) - abs(curv) * 0.67)
    tmax = min(math.radians(3.0), math.atan(room / max(half_len, 1e-3)))
    theta = _u(rng, -tmax, tmax)
    persp = _u(rng, -0.06, 0.06) if rng.random() < 0.4 else 0.0

    wc = PITCH_PX * n + 16
    x_a, x_b = xl_e - h_e, xr_e + h_e
    L = x_b - x_a
    uu = (np.arange(wc, dtype=np.float32) + 0.5) / wc  # 0..1 along box
    uu = uu + persp * uu * (1 - uu)  # mild perspective foreshortening
    vv = (np.arange(STRIP_H, dtype=np.float32) + 0.5) / STRIP_H * 2 - 1  # -1..1 across
    U, V = np.meshgrid(uu, vv)
    along = (U - 0.5) * L
    across = V * h_e + curv * ((2 * U - 1) ** 2 - 1 / 3)
    cx, cy = (x_a + x_b) / 2, yc_s + dy
    ct, st = math.cos(theta), math.sin(theta)
    mapx = (cx + along * ct - across * st - 0.5).astype(np.float32)  # -0.5: pixel-centre convention
    mapy = (cy + along * st + across * ct - 0.5).astype(np.float32)
    border = float(np.median(src[::3, ::3]))
    strip = cv2.remap(src, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)

    out = normalize_and_pad(strip)
    if return_meta:
        meta = dict(h_src=h_src, level=d, font=font, weight=weight, bg=str(fam), n=n,
                    heldout_weight=use_w_ho, heldout_bg=use_bg_ho, stretch=s, e1=e1,
                    u_left=(xl_s - x_a) / L * wc, u_right=(xr_s - x_a) / L * wc, wc=wc)
        return out, text, meta
    return out, text


def normalize_and_pad(strip):
    """Contract: clamp((luma - p5) / max(p95 - p5, 1), 0, 1); pad right with 1.0 to W."""
    p5, p95 = np.percentile(strip, [5, 95])
    v = np.clip((strip - p5) / max(p95 - p5, 1.0), 0, 1).astype(np.float32)
    out = np.ones((STRIP_H, W), np.float32)
    out[:, : v.shape[1]] = v[:, :W]
    return out


if __name__ == "__main__":
    import sys, time
    rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    t = time.time()
    rows = []
    for i in range(24):
        s, txt, m = make_strip(rng, split="train", return_meta=True)
        rows.append(s)
        print(txt, "h=%.1f lvl=%.2f %s %s w=%.2f" % (m["h_src"], m["level"], m["font"], m["bg"], m["weight"]))
    print("%.2f ms/strip" % ((time.time() - t) * 1000 / 24))
    big = np.concatenate([np.pad(r, ((2, 2), (0, 0)), constant_values=0.5) for r in rows], 0)
    cv2.imwrite("/tmp/strips.png", (big * 255).astype(np.uint8))
    t = time.time()
    for i in range(200):
        make_strip(rng)
    print("%.2f ms/strip" % ((time.time() - t) * 1000 / 200))
