#!/usr/bin/env python3
"""Gives each strip dumped by `examples/dump_text_strips.rs` the text the generator printed there.

    python3 models/paddle/finetune/label_strips.py PREFIX            # reads PREFIX.tsv, writes PREFIX.labels.tsv

A strip's candidates are the strings its page prints (every value of the Chinese data page, rebuilt
from the generator's `truth.jsonl` exactly as `tools/synth/passread_synth/documents/chn.py` prints
them, and the field labels). A strip is labelled with the candidate closest (Levenshtein) to what the
shipped model reads on it, when that candidate is close enough (at most a third of its characters
wrong, at least one allowed; a hanzi name's line all but one character) and no other candidate is
as close; otherwise it is left out. Strips the
reader cut from part of a line (a name's column, a glare rescue) read far from every candidate and are
left out rather than mislabelled. Spaces are left out of both: the shipped model mostly reads a
printed space as nothing (`05 1月/JAN 2024` as `051月/JAN2024`) and the reader's parsers take either, so
teaching it spaces would only change a habit the reader already relies on. Output: `offset<TAB>width<TAB>label<TAB>distance<TAB>image<TAB>kind` a kept strip (kind: name_han,
name_latin or other).
"""
import json
import os
import sys
from collections import Counter

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
COMPOUND_SURNAMES = {"OUYANG", "SIMA", "ZHUGE", "SHANGGUAN", "HUANGFU"}
LABELS = [("类型", "Type"), ("国家码", "Country Code"), ("护照号", "Passport No."), ("姓", "Surname"),
          ("名", "Given names"), ("姓名", "Name"), ("性别", "Sex"), ("国籍", "Nationality"),
          ("出生日期", "Date of birth"), ("出生地点", "Place of birth"), ("签发日期", "Date of issue"),
          ("签发地点", "Place of issue"), ("有效期至", "Date of expiry"), ("签发机关", "Authority")]


def cn_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d:02d} {m}月/{MONTHS[m - 1]} {y}"


NAME_HAN, NAME_LATIN = 3, 6  # candidates()[:3] are the hanzi name's lines, [3:6] its pinyin lines


def candidates(truth: dict) -> list:
    r = truth["expected"]["result"]
    loc = r["extra_info"]["local_language"]
    k = 2 if r["surname"] in COMPOUND_SURNAMES else 1
    out = [loc["name"][:k], loc["name"][k:], loc["name"],
           r["surname"], r["given_name"], f"{r['surname']}, {r['given_name']}",
           r["passport_type"], r["country_code"], r["passport_number"], f"{loc['sex']}/{r['sex']}", f"{loc['nationality']}/{r['nationality']}",
           cn_date(r["date_of_birth"]), cn_date(r["date_of_issue"]), cn_date(r["date_of_expiry"]),
           f"{loc['place_of_birth']}/{r['place_of_birth']}", f"{loc['place_of_issue']}/{r['place_of_issue']}",
           loc["issuing_authority"], r["issuing_authority"]]
    for zh, en in LABELS:
        out += [zh, en, f"{zh}/{en}"]
    return list(dict.fromkeys(out))


def distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a):
        cur = [i + 1]
        for j, cb in enumerate(b):
            cur.append(min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (ca != cb)))
        prev = cur
    return prev[-1]


def label(reading: str, cands: list):
    """(label, distance, kind): kind 'name_han', 'name_latin' or 'other'; label None when left out."""
    reading = reading.replace(" ", "")
    kinds = {}
    for i, c in enumerate(cands):
        kinds.setdefault(c.replace(" ", ""), "name_han" if i < NAME_HAN else "name_latin" if i < NAME_LATIN else "other")
    scored = sorted((distance(reading, c), c) for c in kinds)
    (d, best), second = scored[0], scored[1][0] if len(scored) > 1 else 10**9
    # A hanzi name line may be read with all but one character wrong (blur, glare: the lines the
    # recognizer most needs to learn); it is still the only candidate that close.
    allowed = max(1, len(best) - 1) if kinds[best] == "name_han" else max(1, len(best) // 3)
    if d <= allowed and second > d:
        return best, d, kinds[best]
    return None, d, None


def main():
    prefix = sys.argv[1]
    truths = {}
    kept, dropped, by_dist = 0, 0, Counter()
    with open(prefix + ".tsv", encoding="utf-8") as f, open(prefix + ".labels.tsv", "w", encoding="utf-8") as out:
        for line in f:
            offset, width, path, reading, _min_p = line.rstrip("\n").split("\t")
            d = os.path.dirname(path)
            if d not in truths:
                with open(os.path.join(d, "truth.jsonl"), encoding="utf-8") as t:
                    truths[d] = {j["file"]: j for j in map(json.loads, t)}
            truth = truths[d][os.path.basename(path)]
            if truth.get("kind") != "chn":
                continue
            text, dist, kind = label(reading, candidates(truth))
            if text is None:
                dropped += 1
                continue
            kept += 1
            by_dist[dist] += 1
            out.write(f"{offset}\t{width}\t{text}\t{dist}\t{path}\t{kind}\n")
    print(f"{kept} strips labelled, {dropped} left out; by distance to the model's reading: {dict(sorted(by_dist.items()))}")


if __name__ == "__main__":
    main()
