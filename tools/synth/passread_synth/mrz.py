"""ICAO 9303 machine readable zones: check digits, field formatting, parsing.

Public entry point for other tools (e.g. model training)::

    from passread_synth.mrz import make_mrz
    lines = make_mrz("td3", {"doc_code": "P<", "issuer": "UTO", "surname": "ERIKSSON",
                             "given_names": "ANNA MARIA", "number": "L898902C3",
                             "nationality": "UTO", "birth": date(1974, 8, 12), "sex": "F",
                             "expiry": date(2032, 4, 15), "optional": "ZE184226B"})

``kind`` is one of td3 (also chn/hkg/mac/twn), td2, td1, mrva, mrvb.
"""
from __future__ import annotations

import datetime as _dt
import unicodedata

WEIGHTS = (7, 3, 1)
# Layout of each MRZ kind: (lines, chars per line)
SHAPES = {"td3": (2, 44), "td2": (2, 36), "td1": (3, 30), "mrva": (2, 44), "mrvb": (2, 36)}
ALIASES = {"chn": "td3", "hkg": "td3", "mac": "td3", "twn": "td3"}
_TRANSLIT = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Å": "AA", "Æ": "AE", "Ø": "OE",
             "Œ": "OE", "Þ": "TH", "Ð": "D", "Ł": "L", "Ñ": "N"}


def shape(kind: str) -> tuple[int, int]:
    return SHAPES[ALIASES.get(kind, kind)]


def char_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    if c == "<":
        return 0
    raise ValueError(f"invalid MRZ character {c!r}")


def check_digit(s: str) -> str:
    return str(sum(char_value(c) * WEIGHTS[i % 3] for i, c in enumerate(s)) % 10)


def to_mrz_text(text: str) -> str:
    """Upper-case, transliterate (ICAO 9303 part 3 style), spaces/hyphens -> '<'."""
    out = []
    for ch in text.upper():
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
            continue
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(b for b in base if not unicodedata.combining(b))
        if base in ("'", "’", "."):
            continue
        if base in (" ", "-", ",") or not base:
            out.append("<")
        elif "A" <= base <= "Z" or base.isdigit():
            out.append(base)
    return "".join(out)


def pad(s: str, n: int) -> str:
    s = to_mrz_text(s) if s else ""
    if len(s) > n:
        raise ValueError(f"field {s!r} longer than {n}")
    return s + "<" * (n - len(s))


def name_field(surname: str, given: str, width: int) -> str:
    """Primary<<secondary, truncated to the field width (ICAO truncation: cut at the end)."""
    s, g = to_mrz_text(surname), to_mrz_text(given)
    full = s + "<<" + g if g else s
    full = full[:width]
    return full + "<" * (width - len(full))


def yymmdd(d: _dt.date) -> str:
    return d.strftime("%y%m%d")


def _opt_check(opt: str) -> str:
    return "<" if set(opt) == {"<"} else check_digit(opt)


def make_mrz(kind: str, f: dict) -> list[str]:
    """Build the MRZ lines for ``kind`` from a field dict (see module docstring).

    Fields: doc_code (2 chars, e.g. 'P<', 'PO', 'I<', 'ID', 'V<'), issuer, surname,
    given_names, number (<= 9 chars), nationality, birth (date), sex ('M','F','X'),
    expiry (date), optional (str, optional), optional2 (TD1 line 2 optional data).
    """
    k = ALIASES.get(kind, kind)
    doc = (f.get("doc_code", "P<") + "<<")[:2]
    issuer = pad(f["issuer"], 3)
    nat = pad(f["nationality"], 3)
    sex = "<" if f["sex"] == "X" else f["sex"]
    num = pad(f["number"], 9)
    num_cd = num + check_digit(num)
    dob = yymmdd(f["birth"]) + check_digit(yymmdd(f["birth"]))
    exp = yymmdd(f["expiry"]) + check_digit(yymmdd(f["expiry"]))
    opt_raw = f.get("optional", "") or ""
    if k in ("td3", "td2"):
        width = 44 if k == "td3" else 36
        l1 = doc + issuer + name_field(f["surname"], f["given_names"], width - 5)
        if k == "td3":
            opt = pad(opt_raw, 14)
            opt = opt + _opt_check(opt)
        else:
            opt = pad(opt_raw, 7)
        body = num_cd + nat + dob + sex + exp + opt
        comp = check_digit(body[0:10] + body[13:20] + body[21:])
        l2 = body + comp
        return [l1, l2]
    if k == "td1":
        l1 = doc + issuer + num_cd + pad(opt_raw, 15)
        l2 = dob + sex + exp + nat + pad(f.get("optional2", "") or "", 11)
        comp = check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
        l2 += comp
        l3 = name_field(f["surname"], f["given_names"], 30)
        return [l1, l2, l3]
    if k in ("mrva", "mrvb"):
        width = 44 if k == "mrva" else 36
        doc = "V" + doc[1]
        l1 = doc + issuer + name_field(f["surname"], f["given_names"], width - 5)
        l2 = num_cd + nat + dob + sex + exp
        l2 += pad(opt_raw, width - len(l2))
        return [l1, l2]
    raise ValueError(f"unknown MRZ kind {kind}")


# ---------------------------------------------------------------- parsing / checking

def _date(yymmdd_s: str, birth: bool) -> str:
    yy, mm, dd = int(yymmdd_s[:2]), yymmdd_s[2:4], yymmdd_s[4:6]
    if birth:
        year = 1900 + yy if yy > 26 else 2000 + yy
    else:
        year = 2000 + yy
    return f"{year:04d}-{mm}-{dd}"


def _names(field: str) -> tuple[str, str]:
    field = field.rstrip("<")
    if "<<" in field:
        prim, sec = field.split("<<", 1)
    else:
        prim, sec = field, ""
    join = lambda s: " ".join(p for p in s.split("<") if p)
    return join(prim), join(sec)


def fields_of(kind: str, lines: list[str]) -> dict:
    """Split MRZ lines into raw fields (strings with fillers)."""
    k = ALIASES.get(kind, kind)
    if k == "td1":
        l1, l2, l3 = lines
        return dict(doc=l1[0:2], issuer=l1[2:5], number=l1[5:14], number_cd=l1[14], optional=l1[15:30],
                    birth=l2[0:6], birth_cd=l2[6], sex=l2[7], expiry=l2[8:14], expiry_cd=l2[14],
                    nationality=l2[15:18], optional2=l2[18:29], composite=l2[29], name=l3)
    l1, l2 = lines
    d = dict(doc=l1[0:2], issuer=l1[2:5], name=l1[5:], number=l2[0:9], number_cd=l2[9],
             nationality=l2[10:13], birth=l2[13:19], birth_cd=l2[19], sex=l2[20], expiry=l2[21:27],
             expiry_cd=l2[27])
    if k == "td3":
        d.update(optional=l2[28:42], optional_cd=l2[42], composite=l2[43])
    elif k == "td2":
        d.update(optional=l2[28:35], composite=l2[35])
    else:
        d.update(optional=l2[28:])
    return d


def general_result(kind: str, lines: list[str]) -> dict:
    """The MRZ-only API result (without confidence) for these lines, key order per contract."""
    f = fields_of(kind, lines)
    surname, given = _names(f["name"])
    res = {
        "country_code": f["issuer"].replace("<", ""),
        "surname": surname,
        "given_name": given,
        "passport_number": f["number"].replace("<", ""),
        "date_of_birth": _date(f["birth"], True),
        "date_of_expiry": _date(f["expiry"], False),
        "sex": "X" if f["sex"] == "<" else f["sex"],
        "machine_code": lines[0],
        "machine_code2": lines[1],
    }
    if ALIASES.get(kind, kind) == "td1":
        res["machine_code3"] = lines[2]
    res["extra_info"] = {}
    return res


def verify(kind: str, lines: list[str]) -> list[str]:
    """Return a list of problems (empty when every check digit and length is right)."""
    errs = []
    n, w = shape(kind)
    if len(lines) != n or any(len(l) != w for l in lines):
        return [f"bad shape {[len(l) for l in lines]} for {kind}"]
    for l in lines:
        bad = [c for c in l if not (c.isdigit() or "A" <= c <= "Z" or c == "<")]
        if bad:
            errs.append(f"invalid characters {bad}")
    f = fields_of(kind, lines)
    for name in ("number", "birth", "expiry"):
        if check_digit(f[name]) != f[name + "_cd"]:
            errs.append(f"{name} check digit")
    k = ALIASES.get(kind, kind)
    if k == "td3":
        if f["optional_cd"] != _opt_check(f["optional"]) and f["optional_cd"] != check_digit(f["optional"]):
            errs.append("optional data check digit")
        l2 = lines[1]
        if check_digit(l2[0:10] + l2[13:20] + l2[21:43]) != f["composite"]:
            errs.append("composite check digit")
    elif k == "td2":
        l2 = lines[1]
        if check_digit(l2[0:10] + l2[13:20] + l2[21:35]) != f["composite"]:
            errs.append("composite check digit")
    elif k == "td1":
        l1, l2 = lines[0], lines[1]
        if check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]) != f["composite"]:
            errs.append("composite check digit")
    return errs
