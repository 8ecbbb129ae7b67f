"""ICAO documents other than the Chinese mainland passport: TD3 passports (many states, incl. Hong Kong
SAR, Macao SAR, Taiwan), TD1 / TD2 cards and MRV-A / MRV-B visas. One field-based layout engine."""
from __future__ import annotations

import datetime as dt

import numpy as np

from .. import data
from ..mrz import general_result, make_mrz
from ..rng import chance, pick
from .common import PALETTES, Canvas, Doc, draw_mrz, mrz_params, portrait, security_background, signature

SIZES = {"td3": (125.0, 88.0), "td2": (105.0, 74.0), "td1": (85.6, 54.0), "mrva": (120.0, 80.0), "mrvb": (105.0, 74.0)}
EN = {"type": "Type", "code": "Code", "number": "Passport No.", "surname": "Surname", "given": "Given names",
      "nationality": "Nationality", "birth": "Date of birth", "sex": "Sex", "pob": "Place of birth",
      "issue": "Date of issue", "authority": "Authority", "expiry": "Date of expiry", "personal": "Personal No."}
LOCAL_KEYS = ("surname", "given", "nationality", "birth", "sex", "expiry")
SCRIPT_FONT = {"ru": "ja", "ja": "ja", "ko": "ko", "hk": "hk", "tw": "tw"}


def _state_and_holder(kind, rng, force):
    """Issuing state (display key + MRZ code), nationality and a holder."""
    if kind == "hkg":
        key, issuer, nat, number = "HKG", "CHN", "CHN", pick(rng, "KH") + data.fill_pattern(rng, "99999999")
    elif kind == "mac":
        key, issuer, nat, number = "MAC", "CHN", "CHN", data.fill_pattern(rng, "MA9999999")
    elif kind == "twn":
        key, issuer, nat, number = "TWN", "TWN", "TWN", data.fill_pattern(rng, "3" + "9" * 8)
    else:
        key = force.get("issuer") or pick(rng, data.TD3_STATES)
        issuer = key
        nat = key
        number = data.fill_pattern(rng, data.COUNTRIES[key][4])
        if kind in ("td1", "td2"):
            number = data.fill_pattern(rng, pick(rng, ["AX9999999", "999999999", "A9999999X"]))
        if kind in ("mrva", "mrvb"):
            nat = pick(rng, [c for c in data.TD3_STATES if c != key] + ["HKG", "TWN"])
            number = data.fill_pattern(rng, pick(rng, ["999999999", "A99999999", "AA9999999"]))
    holder_key = nat if nat in data.COUNTRIES else key
    if nat == "CHN":
        holder_key = key
    pool = data.COUNTRIES[holder_key][2]
    long_name = force.get("long_name", chance(rng, 0.12))
    mononym = pool == "in" and chance(rng, 0.15) and not long_name
    who = data.person(rng, pool, long_name=long_name, mononym=mononym)
    return key, issuer, nat, number, holder_key, who


def _label(key, lang, style, idx):
    en = EN[key]
    loc = None
    if data.LABELS.get(lang) and key in LOCAL_KEYS:
        loc = data.LABELS[lang][LOCAL_KEYS.index(key)]
    s = f"{loc} / {en}" if (loc and style != "english") else en
    if style == "numbered":
        s = f"{idx}. {s}"
    if style == "upper":
        s = s.upper()
    return s


def render_id_document(kind: str, rng, ppm: float = 12.0, force: dict | None = None) -> Doc:
    """Render a TD3/TD2/TD1/MRV document of ``kind`` (td3, hkg, mac, twn, td2, td1, mrva, mrvb)."""
    force = force or {}
    mrz_kind = "td3" if kind in ("hkg", "mac", "twn") else kind
    W, H = SIZES[mrz_kind]
    key, issuer, nat, number, holder_key, who = _state_and_holder(kind, rng, force)
    sur_l, giv_l, sur_loc, giv_loc, sex = who
    cinfo = data.COUNTRIES[key]
    lang, style_date = cinfo[6], cinfo[7]
    script = cinfo[3] or data.COUNTRIES[holder_key][3]
    visa = mrz_kind in ("mrva", "mrvb")
    if visa:
        birth, _, _ = data.person_dates(rng, adult_only=True)
        issue = data.rand_date(rng, dt.date(2021, 1, 1), dt.date(2026, 11, 30))
        expiry = issue + dt.timedelta(days=int(rng.integers(30, 1100)))
    else:
        birth, issue, expiry = data.person_dates(rng, doc_years=int(pick(rng, [5, 10, 10])))
    optional = ""
    if not visa and cinfo[5] and chance(rng, 0.7):
        optional = data.fill_pattern(rng, cinfo[5])
    opt_len = {"td3": 14, "td2": 7, "td1": 15, "mrva": 16, "mrvb": 8}[mrz_kind]
    optional = optional[:opt_len]
    doc_code = "P<" if mrz_kind == "td3" else ("V<" if visa else pick(rng, ["I<", "ID", "IR", "AC"], p=[5, 3, 1, 1]))
    fields = {"doc_code": doc_code, "issuer": issuer, "surname": sur_l, "given_names": giv_l, "number": number,
              "nationality": nat if nat != "HKG" else "CHN", "birth": birth, "sex": sex, "expiry": expiry,
              "optional": optional, "optional2": data.fill_pattern(rng, "99999999") if mrz_kind == "td1" and chance(rng, 0.3) else ""}
    if fields["nationality"] == "HKG":
        fields["nationality"] = "CHN"
    lines = make_mrz(mrz_kind, fields)

    # ------------------------------------------------ layout choices
    palette = force.get("palette") or pick(rng, list(PALETTES))
    L = {
        "palette": palette,
        "photo_side": "right" if chance(rng, 0.2) else "left",
        "label_style": pick(rng, ["bilingual", "english", "numbered", "upper"]),
        "header_band": chance(rng, 0.35),
        "family": pick(rng, ["sans", "sans", "serif"]),
        "value_bold": chance(rng, 0.5),
        "label_mm": round(float(rng.uniform(1.3, 1.8)), 2),
        "value_mm": round(float(rng.uniform(2.4, 3.2)), 2) * (0.85 if mrz_kind == "td1" else 1.0),
        "local_inline": chance(rng, 0.5),
        "ghost": chance(rng, 0.4),
        "mrz": mrz_params(rng),
    }
    mp = L["mrz"]
    margin_lo, margin_hi = {"td3": (3.5, 6.0), "td2": (3.0, 6.0), "td1": (3.0, 4.6), "mrva": (2.8, 4.8), "mrvb": (3.0, 6.0)}[mrz_kind]
    L["mrz"]["left_mm"] = round(float(rng.uniform(margin_lo, margin_hi)), 2)
    if mrz_kind == "td1":
        mp["line_pitch_mm"] = round(float(rng.uniform(3.6, 4.0)), 3)
    label_col = pick(rng, [(40, 60, 110), (70, 70, 80), (110, 40, 60), (30, 80, 80), (60, 50, 100)])
    val_col = tuple(int(v) for v in rng.integers(5, 40, 3))
    cv = Canvas(W, H, ppm, PALETTES[palette][0])
    security_background(cv, rng, palette, strength=float(rng.uniform(0.6, 1.0)))

    # header
    s = W / 125.0
    band_h = rng.uniform(8.0, 11.0) * s
    title_col = val_col
    if L["header_band"]:
        dark = tuple(int(c * 0.55) for c in PALETTES[palette][1][0])
        cv.rect(0, 0, W, band_h, fill=dark)
        title_col = (245, 245, 240)
    state_name = cinfo[0]
    title = "VISA" if visa else ("IDENTITY CARD" if mrz_kind in ("td1", "td2") else cinfo[1])
    hs = rng.uniform(2.3, 3.1) * s
    fsc = SCRIPT_FONT.get(cinfo[3] or "", "ja")
    tx = rng.uniform(4, 8) * s
    cv.text(tx, band_h * 0.14, state_name, hs, title_col, L["family"], fsc, bold=True)
    if cv.text_width(state_name, hs, L["family"], fsc, True) > W - 2 * tx:
        cv.rect(0, 0, W, band_h, fill=dark if L["header_band"] else PALETTES[palette][0])
        cv.text(tx, band_h * 0.14, state_name, hs * 0.62, title_col, L["family"], fsc, bold=True)
    cv.text(tx, band_h * 0.14 + hs * 1.3, title, hs * 0.8, title_col, L["family"], fsc)

    # MRZ geometry first: it bounds the field area
    n = len(lines)
    mrz_top = H - mp["bottom_mm"] - (n - 1) * mp["line_pitch_mm"] - mp["char_h_mm"]
    area_top, area_bot = band_h + 1.5 * s, mrz_top - 2.0 * s
    ph_h = min({"td3": 40.0, "td2": 32.0, "td1": 26.0, "mrva": 34.0, "mrvb": 30.0}[mrz_kind] * rng.uniform(0.92, 1.05),
               area_bot - area_top - 1.0)
    ph_w = ph_h * rng.uniform(0.76, 0.82)
    ph_x = rng.uniform(3.5, 6.5) * s if L["photo_side"] == "left" else W - rng.uniform(3.5, 6.5) * s - ph_w
    ph_y = area_top + rng.uniform(0.5, 2.5)
    photo = portrait(rng, cv.p(ph_w), cv.p(ph_h), grey=chance(rng, 0.5))
    cv.paste(photo, ph_x, ph_y)
    L["photo_mm"] = [round(ph_x, 2), round(ph_y, 2), round(ph_w, 2), round(ph_h, 2)]
    if L["photo_side"] == "left":
        fx0, fx1 = ph_x + ph_w + rng.uniform(3, 6) * s, W - 4 * s
    else:
        fx0, fx1 = rng.uniform(4, 7) * s, ph_x - 3 * s

    # ------------------------------------------------ fields
    fmt = lambda d: data.fmt_date(d, style_date)
    loc_sur = sur_loc if sur_loc else None
    loc_giv = giv_loc if giv_loc else None

    def name_val(latin_s, local_s):
        if not local_s:
            return [latin_s]
        return [f"{local_s} / {latin_s}"] if L["local_inline"] else [local_s, latin_s]

    natname = data.NATIONALITY_NAME.get(nat if nat in data.NATIONALITY_NAME else key, nat)
    pob = pick(rng, data.PLACES.get(data.COUNTRIES[holder_key][6], data.PLACES["en"]))
    auth = pick(rng, ["MINISTRY OF FOREIGN AFFAIRS", "PASSPORT OFFICE", "IMMIGRATION DEPARTMENT", "STADT KÖLN",
                      "PRÉFECTURE", "DEPARTMENT OF STATE", "MVD 77001", "POLICE"])
    sexv = sex
    if visa:
        rows = [[("VALID FOR", pick(rng, ["SCHENGEN STATES", "UTOPIA", "ALL COUNTRIES", key])),
                 ("FROM", fmt(issue)), ("UNTIL", fmt(expiry))],
                [("TYPE", pick(rng, ["C", "D", "B-2", "L"])), ("ENTRIES", pick(rng, ["1", "2", "MULT"])),
                 ("DURATION", f"{int(rng.integers(7, 180))} DAYS")],
                [("ISSUED IN", pick(rng, data.PLACES["en"])), ("ON", fmt(issue))],
                [("NUMBER OF PASSPORT", data.fill_pattern(rng, "AA9999999"))],
                [("SURNAME, NAME", f"{sur_l}, {giv_l}" if giv_l else sur_l)],
                [("REMARKS", pick(rng, ["TOURISM", "BUSINESS", "STUDENT", "—"]))]]
        rows = [[(lab if L["label_style"] != "english" else lab.title(), [v]) for lab, v in r] for r in rows]
    else:
        type_v = doc_code.replace("<", "")
        r_top = [("type", [type_v]), ("code", [issuer]), ("number", [number])]
        rows = [r_top, [("surname", name_val(sur_l, loc_sur))]]
        if giv_l:
            rows.append([("given", name_val(giv_l, loc_giv))])
        rows.append([("nationality", [natname])])
        if chance(rng, 0.5):
            rows += [[("birth", [fmt(birth)]), ("sex", [sexv])], [("pob", [pob])]]
        else:
            rows += [[("birth", [fmt(birth)]), ("sex", [sexv]), ("pob", [pob])]]
        if mrz_kind != "td1" or chance(rng, 0.5):
            rows.append([("issue", [fmt(issue)]), ("authority", [auth])])
        rows.append([("expiry", [fmt(expiry)])] + ([("personal", [optional])] if optional else []))
        idx = 0
        out_rows = []
        for r in rows:
            rr = []
            for k, v in r:
                idx += 1
                lab = _label(k, lang, L["label_style"], idx)
                if k == "number" and mrz_kind != "td3":
                    lab = lab.replace("Passport", "Document").replace("PASSPORT", "DOCUMENT")
                rr.append((lab, v))
            out_rows.append(rr)
        rows = out_rows
    ls, vs = L["label_mm"] * s ** 0.5, L["value_mm"] * s ** 0.5
    gap = rng.uniform(0.5, 1.3)
    need = sum(ls * 1.25 + max(len(v) for _, v in r) * vs * 1.18 + gap for r in rows)
    avail = area_bot - area_top
    k = min(1.0, avail / need)
    ls, vs, gap = ls * k, vs * k, gap * k
    y = area_top + (avail - need * k) * rng.uniform(0.0, 0.4)
    vfs = SCRIPT_FONT.get(script or "", "ja")
    for r in rows:
        colw = (fx1 - fx0) / len(r)
        if len(r) == 3:
            ws = [0.18, 0.22, 0.60] if r is rows[0] and not visa else ([1 / 3] * 3 if visa else [0.4, 0.15, 0.45])
        elif len(r) == 2:
            ws = [0.5, 0.5]
        else:
            ws = [1.0]
        x = fx0
        nl = max(len(v) for _, v in r)
        for (lab, vals), wfrac in zip(r, ws):
            cw = (fx1 - fx0) * wfrac
            lsz = ls
            while cv.text_width(lab, lsz, "sans", vfs) > cw - 1 and lsz > 0.8:
                lsz *= 0.92
            cv.text(x, y, lab, lsz, label_col, "sans", vfs)
            vy = y + ls * 1.25
            for v in vals:
                vsz = vs
                while cv.text_width(v, vsz, L["family"], vfs, L["value_bold"]) > cw - 1 and vsz > 1.0:
                    vsz *= 0.93
                cv.text(x, vy, v, vsz, val_col, L["family"], vfs, bold=L["value_bold"])
                vy += vs * 1.18
            x += cw
        y += ls * 1.25 + nl * vs * 1.18 + gap
    L["rows"] = len(rows)
    # signature + ghost image
    sig_y = min(ph_y + ph_h + 0.5, area_bot - 3.5)
    if sig_y + 3 < mrz_top:
        signature(cv, rng, ph_x, sig_y, ph_w * 0.9, 3.5)
    if L["ghost"] and mrz_kind in ("td3", "td2", "mrva"):
        gw, gh = ph_w * 0.45, ph_h * 0.45
        gx = fx1 - gw - 1 if L["photo_side"] == "left" else fx0 + (fx1 - fx0) * 0.6
        cv.paste(portrait(rng, cv.p(gw), cv.p(gh), grey=True), gx, area_bot - gh - 0.5, opacity=0.22)
    cv.sync()
    box = draw_mrz(cv, rng, lines, mp["left_mm"], H - mp["bottom_mm"], mp["line_pitch_mm"], mp["char_h_mm"],
                   weight=mp["weight_mm"], jitter_mm=mp["jitter_mm"], ink=tuple(mp["ink"]))
    if mrz_kind == "td1":
        cv.round_corners(3.18)
    elif visa:
        cv.round_corners(1.5)
    L["state"] = key
    return Doc(image=cv.arr, alpha=cv.alpha, size_mm=(W, H), ppm=ppm, kind=kind, issuer=issuer, mrz=lines,
               mrz_box_mm=box, expected={"result": general_result(mrz_kind, lines)}, layout=L)
