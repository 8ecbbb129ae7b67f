"""Chinese mainland e-passport data page (ID-3): bilingual labels, hanzi + pinyin values, PO MRZ."""
from __future__ import annotations

from .. import chinese as cn
from ..mrz import general_result, make_mrz
from ..rng import chance, pick
from .common import PALETTES, Canvas, Doc, draw_mrz, mrz_params, portrait, security_background, signature

W, H = 125.0, 88.0


def render_chn(rng, ppm: float = 12.0, force: dict | None = None) -> Doc:
    """Render one Chinese mainland passport data page. ``force`` keys: see chinese.person()."""
    p = cn.person(rng, force)
    lines = make_mrz("chn", cn.mrz_fields(p))
    L = {
        "palette": pick(rng, ["lilac", "rose", "lilac"]),
        "name_layout": p["name_layout"],
        "label_style": pick(rng, ["inline", "stacked"]),
        "dx_mm": round(float(rng.uniform(-2.5, 2.5)), 2), "dy_mm": round(float(rng.uniform(-2.0, 2.0)), 2),
        "label_mm": round(float(rng.uniform(1.35, 1.75)), 2), "value_mm": round(float(rng.uniform(2.3, 2.9)), 2),
        "value_bold": chance(rng, 0.4),
        "mrz": mrz_params(rng),
    }
    L["mrz"]["left_mm"] = round(float(rng.uniform(3.5, 6.0)), 2)
    mp = L["mrz"]
    base = PALETTES[L["palette"]][0]
    cv = Canvas(W, H, ppm, base)
    security_background(cv, rng, L["palette"], strength=float(rng.uniform(0.7, 1.0)))
    dx, dy = L["dx_mm"], L["dy_mm"]
    lab_col = pick(rng, [(60, 50, 90), (70, 60, 80), (50, 50, 60)])
    val_col = (15, 15, 20)
    # header
    hx = rng.uniform(38, 45) + dx
    cv.text(hx, 3.2 + dy * 0.3, "中华人民共和国   护照", rng.uniform(2.9, 3.4), (40, 30, 60), "sans", "sc", bold=True)
    cv.text(hx, 7.2 + dy * 0.3, "PEOPLE'S REPUBLIC OF CHINA   PASSPORT", rng.uniform(1.9, 2.3), (40, 30, 60), "sans", "sc")
    # photo
    ph_x, ph_y = rng.uniform(5.0, 8.0) + dx * 0.5, rng.uniform(14.0, 17.0) + dy * 0.5
    ph_w, ph_h = rng.uniform(32, 35), rng.uniform(41, 45)
    cv.paste(portrait(rng, cv.p(ph_w), cv.p(ph_h), grey=chance(rng, 0.3)), ph_x, ph_y)
    signature(cv, rng, ph_x + 2, ph_y + ph_h + 0.8, ph_w * 0.7, 3.0, color=(20, 20, 40)) if chance(rng, 0.6) else None
    L["photo_mm"] = [round(ph_x, 2), round(ph_y, 2), round(ph_w, 2), round(ph_h, 2)]
    # ghost image on the right
    gw, gh = 17.0, 22.0
    cv.paste(portrait(rng, cv.p(gw), cv.p(gh), grey=True), W - gw - rng.uniform(4, 7), rng.uniform(34, 40), opacity=0.18)

    ls, vs = L["label_mm"], L["value_mm"]
    fx = ph_x + ph_w + rng.uniform(3.5, 6.0)
    c2 = fx + rng.uniform(27, 32)
    c3 = c2 + rng.uniform(18, 22)

    # The field rows are laid out first and drawn at the end, pressed together where they would
    # come closer than 3 mm to the MRZ (a real page keeps its MRZ zone clear; some layouts here
    # printed the English authority over the first MRZ line).
    texts = []

    def label(x, y, key):
        zh, en = cn.LABELS[key]
        if L["label_style"] == "inline":
            texts.append((x, y, f"{zh}/{en}", ls, lab_col, False))
            return y + ls * 1.3
        texts.append((x, y, zh, ls, lab_col, False))
        texts.append((x, y + ls * 1.15, en, ls * 0.9, lab_col, False))
        return y + ls * 2.25

    def value(x, y, s, size=None):
        size = size or vs
        texts.append((x, y, s, size, val_col, L["value_bold"]))
        return y + size * 1.22

    def field(x, y, key, vals):
        y2 = label(x, y, key)
        for v in vals:
            y2 = value(x, y2, v)
        return y2

    y = rng.uniform(11.5, 13.0) + dy
    row_gap = rng.uniform(0.5, 1.1)
    yn = field(fx, y, "type", ["P"])
    field(c2, y, "code", ["CHN"])
    field(c3, y, "number", [p["number"]])
    y = yn + row_gap
    if p["name_layout"] == "split":
        y = field(fx, y, "surname", [p["surname_han"], p["surname"]]) + row_gap
        y = field(fx, y, "given", [p["given_han"], p["given"]]) + row_gap
    else:
        y = field(fx, y, "name", [p["surname_han"] + p["given_han"], f"{p['surname']}, {p['given']}"]) + row_gap
    yn = field(fx, y, "sex", [f"{p['sex_han']}/{p['sex']}"])
    field(c2, y, "nationality", ["中国/CHINESE"])
    y = yn + row_gap
    yn = field(fx, y, "birth", [cn.cn_date(p["birth"])])
    field(c2 + 6, y, "pob", [f"{p['pob'][0]}/{p['pob'][1]}"])
    y = yn + row_gap
    yn = field(fx, y, "issue", [cn.cn_date(p["issue"])])
    field(c2 + 6, y, "poi", [f"{p['poi'][0]}/{p['poi'][1]}"])
    y = yn + row_gap
    yn = field(fx, y, "expiry", [cn.cn_date(p["expiry"])])
    ya = label(c2 + 6, y, "authority")
    ya = value(c2 + 6, ya, p["authority"][0])
    value(c2 + 6, ya, p["authority"][1], size=vs * (0.75 if len(p["authority"][1]) > 32 else 0.85))
    mrz_top = H - mp["bottom_mm"] - (len(lines) - 1) * mp["line_pitch_mm"] - mp["char_h_mm"]
    top = min(t[1] for t in texts)
    bottom = max(t[1] + t[3] * 1.22 for t in texts)
    limit = mrz_top - 3.0
    k = min(1.0, (limit - top) / max(1e-6, bottom - top))
    L["rows_pressed"] = round(k, 3)
    for x, ty, s, size, col, bold in texts:
        cv.text(x, top + (ty - top) * k, s, size, col, "sans", "sc", bold=bold)
    cv.sync()
    box = draw_mrz(cv, rng, lines, mp["left_mm"], H - mp["bottom_mm"], mp["line_pitch_mm"], mp["char_h_mm"],
                   weight=mp["weight_mm"], jitter_mm=mp["jitter_mm"], ink=tuple(mp["ink"]))
    L["authority"] = "nia" if p["authority"] == cn.AUTH_NEW else "mps"
    L["number_form"] = "E8" if p["number"][1].isdigit() else "EL7"
    L["born_abroad"] = p["abroad"]
    return Doc(image=cv.arr, alpha=cv.alpha, size_mm=(W, H), ppm=ppm, kind="chn", issuer="CHN", mrz=lines,
               mrz_box_mm=box, expected={"result": cn.expected_result(p)},
               expected_general={"result": general_result("chn", lines)}, layout=L)
