"""Validate a generated directory: python -m passread_synth.selfcheck DIR [DIR ...]

Checks truth.jsonl (key order, kinds, MRZ check digits, expected == MRZ-derived result, date formats and
ranges, Chinese-passport rules, files exist and have the recorded size) and every sequence directory
(manifest.json + truth.json + frame files) found below DIR. Exit status 1 on any problem.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys

from PIL import Image

from .chinese import AUTH_NEW, AUTH_OLD, NIA_START
from .mrz import general_result, verify

KINDS = {"td3", "td1", "td2", "mrva", "mrvb", "chn", "hkg", "mac", "twn", "negative"}
CODES = {"AIS.0102", "AIS.0103", "AIS.0104", "AIS.0105"}
GENERAL_KEYS = ["country_code", "surname", "given_name", "passport_number", "date_of_birth", "date_of_expiry",
                "sex", "machine_code", "machine_code2", "machine_code3", "extra_info"]
CHN_KEYS = ["passport_type", "country_code", "passport_number", "nationality", "surname", "given_name", "sex",
            "date_of_birth", "date_of_expiry", "date_of_issue", "place_of_birth", "place_of_issue",
            "issuing_authority", "extra_info"]
SCENE_KEYS = ["seed", "width", "height", "format", "jpeg_quality", "rotation_deg", "coverage", "perspective",
              "curvature", "blur_sigma", "motion_blur_px", "brightness", "noise_sigma", "glare", "glare_over_mrz",
              "background", "layout"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(s, lo, hi, errs, what):
    if not isinstance(s, str) or not DATE.match(s):
        errs.append(f"{what}: bad date format {s!r}")
        return None
    d = dt.date.fromisoformat(s)
    if not (lo <= d <= hi):
        errs.append(f"{what}: {s} outside {lo}..{hi}")
    return d


def check_general(kind, mrz, res, errs, where):
    want = general_result(kind, mrz)
    keys = [k for k in GENERAL_KEYS if k in want]
    if list(res) != keys:
        errs.append(f"{where}: key order {list(res)}")
    if res != want:
        errs.append(f"{where}: result differs from MRZ-derived {want}")
    _date(res.get("date_of_birth"), dt.date(1930, 1, 1), dt.date(2026, 11, 30), errs, where + ".date_of_birth")
    _date(res.get("date_of_expiry"), dt.date(2015, 1, 1), dt.date(2045, 12, 31), errs, where + ".date_of_expiry")


def check_chn(mrz, res, gen, errs, where):
    if list(res) != CHN_KEYS:
        errs.append(f"{where}: chn key order {list(res)}")
    l1, l2 = mrz
    if not l1.startswith("POCHN"):
        errs.append(f"{where}: chn doc code/issuer {l1[:5]}")
    if not re.fullmatch(r"[A-Z]{14}", l2[28:42]):
        errs.append(f"{where}: chn personal number not 14 letters: {l2[28:42]}")
    num = res["passport_number"]
    issue = _date(res["date_of_issue"], dt.date(2012, 1, 1), dt.date(2026, 11, 30), errs, where + ".date_of_issue")
    birth = _date(res["date_of_birth"], dt.date(1930, 1, 1), dt.date(2026, 11, 30), errs, where + ".date_of_birth")
    exp = _date(res["date_of_expiry"], dt.date(2015, 1, 1), dt.date(2045, 12, 31), errs, where + ".date_of_expiry")
    if issue and not (re.fullmatch(r"E\d{8}", num) if issue.year < 2017 else re.fullmatch(r"E[A-Z]\d{7}", num)):
        errs.append(f"{where}: number {num} does not fit issue year {issue.year}")
    if issue:
        want = AUTH_NEW if issue >= NIA_START else AUTH_OLD
        if res["issuing_authority"] != want[1] or res["extra_info"]["local_language"]["issuing_authority"] != want[0]:
            errs.append(f"{where}: authority does not match issue date")
    if issue and exp and birth:
        nxt = exp + dt.timedelta(days=1)
        years = nxt.year - issue.year if (nxt.month, nxt.day) == (issue.month, issue.day) or \
            (issue.month, issue.day) == (2, 29) else -1
        try:
            age16 = birth.replace(year=birth.year + 16)
        except ValueError:  # 29 February
            age16 = dt.date(birth.year + 16, 3, 1)
        under16 = issue < age16
        if years != (5 if under16 else 10):
            errs.append(f"{where}: validity {years} years (under16={under16})")
    if res["passport_type"] != "P" or res["country_code"] != "CHN" or res["nationality"] != "CHINESE":
        errs.append(f"{where}: fixed chn fields")
    if gen is None or "result" not in gen:
        errs.append(f"{where}: expected_general missing")
    else:
        check_general("chn", mrz, gen["result"], errs, where + ".general")
        g = gen["result"]
        for a, b in (("surname", "surname"), ("given_name", "given_name"), ("passport_number", "passport_number"),
                     ("date_of_birth", "date_of_birth"), ("date_of_expiry", "date_of_expiry"), ("sex", "sex")):
            if g[a] != res[b]:
                errs.append(f"{where}: general/chn mismatch in {a}")


def check_stills(d, errs) -> int:
    path = os.path.join(d, "truth.jsonl")
    n = 0
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        r = json.loads(line)
        n += 1
        w = f"{d}:{ln}:{r.get('file')}"
        order = [k for k in ["file", "kind", "difficulty", "issuer", "mrz", "expected", "expected_general", "scene"] if k in r]
        if list(r) != order:
            errs.append(f"{w}: top-level key order {list(r)}")
        if r.get("kind") not in KINDS or r.get("difficulty") not in ("easy", "medium", "hard"):
            errs.append(f"{w}: bad kind/difficulty")
        fp = os.path.join(d, r["file"])
        if not os.path.exists(fp):
            errs.append(f"{w}: file missing")
            continue
        sc = r.get("scene", {})
        for k in ("seed", "width", "height", "format"):
            if k not in sc:
                errs.append(f"{w}: scene.{k} missing")
        if r["kind"] == "negative":
            if "mrz" in r or set(r["expected"]) != {"error_code"} or r["expected"]["error_code"] not in CODES:
                errs.append(f"{w}: bad negative record")
            if sc.get("negative_type") == "small_page" and not sc.get("coverage_actual", 1) < 0.25:
                errs.append(f"{w}: small_page negative covers {sc.get('coverage_actual')}")
        else:
            missing = [k for k in SCENE_KEYS if k not in sc]
            if missing or list(sc)[:len(SCENE_KEYS)] != SCENE_KEYS:
                errs.append(f"{w}: scene keys missing/out of order {missing}")
            ca = sc.get("coverage_actual", 0)
            lo = {"easy": 0.5, "medium": 0.35, "hard": 0.25}.get(r["difficulty"], 0.25)
            if ca < 0.25 or ca < lo * 0.95:
                errs.append(f"{w}: page coverage {ca} too small for a positive {r['difficulty']} sample")
            mrz = r["mrz"]
            kind = r["kind"]
            for e in verify(kind, mrz):
                errs.append(f"{w}: MRZ {e}")
            res = r["expected"].get("result")
            if kind == "chn":
                check_chn(mrz, res, r.get("expected_general"), errs, w)
            else:
                if "expected_general" in r:
                    errs.append(f"{w}: expected_general only for chn")
                check_general(kind, mrz, res, errs, w)
        try:
            with Image.open(fp) as im:
                if im.size != (sc["width"], sc["height"]):
                    errs.append(f"{w}: image size {im.size} != scene {sc['width']}x{sc['height']}")
        except Exception:
            if r["kind"] != "negative" or r["expected"]["error_code"] != "AIS.0102":
                errs.append(f"{w}: unreadable image")
    return n


def check_sequence(d, errs) -> int:
    m = json.load(open(os.path.join(d, "manifest.json")))
    t = json.load(open(os.path.join(d, "truth.json"), encoding="utf-8"))
    if list(m) != ["format", "pixel_format", "width", "height", "fps", "frames"] or m["format"] != "passread-sequence/1":
        errs.append(f"{d}: manifest keys/format")
    W, H, fps = m["width"], m["height"], m["fps"]
    for i, f in enumerate(m["frames"]):
        fp = os.path.join(d, f["file"])
        if f["t_ms"] != int(round(i * 1000 / fps)):
            errs.append(f"{d}: frame {i} t_ms")
        if not os.path.exists(fp):
            errs.append(f"{d}: missing {f['file']}")
            continue
        if m["pixel_format"] == "YUYV":
            if not f["file"].endswith(".yuyv") or os.path.getsize(fp) != W * H * 2:
                errs.append(f"{d}: bad YUYV frame {f['file']}")
        else:
            data = open(fp, "rb").read()
            if not f["file"].endswith(".jpg") or data[:2] != b"\xff\xd8" or b"\xff\xc0" not in data or b"\xff\xc2" in data[:2000]:
                errs.append(f"{d}: not a baseline JPEG {f['file']}")
            with Image.open(fp) as im:
                if im.size != (W, H):
                    errs.append(f"{d}: frame size {im.size}")
    if len(t["frames"]) != len(m["frames"]):
        errs.append(f"{d}: truth/manifest frame count")
    for i, f in enumerate(t["frames"]):
        if f["index"] != i or f["state"] not in ("empty", "moving", "still", "glare"):
            errs.append(f"{d}: truth frame {i}")
        if f["usable"] != (f["state"] == "still"):
            errs.append(f"{d}: usable flag frame {i}")
    for p in t["presentations"]:
        mrz = p["mrz"]
        kind = "chn" if "result_general" in p else ("td1" if len(mrz) == 3 else ("td3" if len(mrz[0]) == 44 else "td2"))
        for e in verify(kind, mrz):
            errs.append(f"{d}: MRZ {e}")
        if kind == "chn":
            check_chn(mrz, p["result"], {"result": p["result_general"]}, errs, d)
        else:
            check_general(kind, mrz, p["result"], errs, d)
        states = [t["frames"][i]["state"] for i in range(p["first_frame"], p["last_frame"] + 1)]
        if "empty" in states or states[0] != "moving" or states[-1] != "moving":
            errs.append(f"{d}: presentation frame range")
    return len(m["frames"])


def main(argv=None) -> int:
    dirs = (argv if argv is not None else sys.argv[1:]) or ["."]
    errs, n_img, n_seq, n_frames = [], 0, 0, 0
    for root in dirs:
        for cur, subdirs, files in sorted(os.walk(root)):
            subdirs.sort()
            if "truth.jsonl" in files:
                n_img += check_stills(cur, errs)
            if "manifest.json" in files:
                n_seq += 1
                n_frames += check_sequence(cur, errs)
    for e in errs[:200]:
        print("FAIL", e)
    print(f"selfcheck: {n_img} images, {n_seq} sequences ({n_frames} frames): "
          f"{'OK' if not errs else str(len(errs)) + ' problems'}")
    return 1 if errs or (n_img + n_seq) == 0 else 0


if __name__ == "__main__":
    raise SystemExit(main())
