"""Documents without an MRZ (negatives): a driving-licence-like card and a printed letter."""
from __future__ import annotations

from .. import data
from ..rng import chance, pick
from .common import PALETTES, Canvas, Doc, portrait, security_background, signature


def render_licence(rng, ppm: float = 12.0) -> Doc:
    W, H = 85.6, 54.0
    pal = pick(rng, ["rose", "green", "blue", "beige"])
    cv = Canvas(W, H, ppm, PALETTES[pal][0])
    security_background(cv, rng, pal, 0.8)
    cv.rect(0, 0, W, 9, fill=tuple(int(c * 0.6) for c in PALETTES[pal][1][0]))
    cv.text(4, 1.5, pick(rng, ["DRIVING LICENCE", "FÜHRERSCHEIN", "PERMIS DE CONDUIRE", "驾驶证 DRIVING LICENSE"]),
            3.0, (250, 250, 250), "sans", "sc", bold=True)
    cv.paste(portrait(rng, cv.p(22), cv.p(28)), 4, 12)
    sur, giv, *_ = data.person(rng, pick(rng, ["en", "de", "fr", "nl"]))
    b, i, e = data.person_dates(rng)
    rows = [f"1. {sur}", f"2. {giv}", f"3. {data.fmt_date(b, 'dmy_dot')}", f"4a. {data.fmt_date(i, 'dmy_dot')}",
            f"4b. {data.fmt_date(e, 'dmy_dot')}", f"5. {data.fill_pattern(rng, 'AA9999999A99')}", "9. AM/A1/B/BE"]
    y = 11.5
    for r in rows:
        cv.text(30, y, r, 2.4, (20, 20, 30), "sans")
        y += 5.2
    signature(cv, rng, 30, 47, 30, 4)
    cv.round_corners(3.18)
    cv.sync()
    return Doc(cv.arr, cv.alpha, (W, H), ppm, "negative", None, None, None,
               {"error_code": "AIS.0105"}, layout={"negative": "licence", "palette": pal})


def render_letter(rng, ppm: float = 8.0) -> Doc:
    W, H = 148.0, 210.0
    cv = Canvas(W, H, ppm, (246, 245, 240))
    cv.rect(0, 0, W, 22, fill=pick(rng, [(30, 60, 110), (120, 30, 40), (40, 90, 60)]))
    cv.text(10, 6, pick(rng, ["CITY OF ZENITH", "ACME INSURANCE", "NORTHWIND BANK", "市民服务中心"]), 6, (250, 250, 250),
            "sans", "sc", bold=True)
    words = "the of and to in is you that it he was for on are as with his they at be this have from or one had by".split()
    y = 34
    for _ in range(int(rng.integers(14, 24))):
        n = int(rng.integers(6, 13))
        line = " ".join(pick(rng, words) for _ in range(n)).capitalize() + "."
        cv.text(12, y, line, 3.6, (30, 30, 35), "serif")
        y += 6.5
        if y > H - 30:
            break
    if chance(rng, 0.7):
        signature(cv, rng, 14, H - 25, 40, 8)
    cv.sync()
    return Doc(cv.arr, cv.alpha, (W, H), ppm, "negative", None, None, None,
               {"error_code": "AIS.0105"}, layout={"negative": "letter"})
