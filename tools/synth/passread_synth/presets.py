"""Fixed job lists: the evaluation set and the committed test fixtures."""
from __future__ import annotations


def eval_jobs(seed: int, count: int = 600):
    """Half Chinese mainland passports (>= 300 of 600), half a realistic blend of everything else."""
    return [dict(master=seed, index=i, kind="chn" if i % 2 == 0 else "mixed_nochn", difficulty="mixed")
            for i in range(count)]


J = "jpg"
# (kind, difficulty, doc_force, scene_force, negative_type)
FIXTURES = [
    ("td3", "easy", {"issuer": "UTO"}, {}, None),
    ("td3", "easy", {"issuer": "D"}, {}, None),
    ("td3", "medium", {"issuer": "GBR"}, {}, None),
    ("td3", "easy", {"issuer": "USA"}, {}, None),
    ("td3", "medium", {"issuer": "FRA"}, {}, None),
    ("td3", "easy", {"issuer": "JPN"}, {}, None),
    ("td3", "medium", {"issuer": "KOR"}, {}, None),
    ("td3", "easy", {"issuer": "IND"}, {}, None),
    ("td3", "medium", {"issuer": "RUS"}, {}, None),
    ("td3", "hard", {"issuer": "BRA"}, {}, None),
    ("hkg", "easy", {}, {}, None),
    ("mac", "medium", {}, {}, None),
    ("twn", "easy", {}, {}, None),
    ("td3", "medium", {"issuer": "CAN", "long_name": True}, {}, None),
    ("td3", "easy", {"issuer": "ESP"}, {"format": "png", "width": 640, "height": 480, "noise_sigma": 0.6}, None),
    ("td3", "hard", {"issuer": "NOR"}, {"glare": True, "glare_over_mrz": True}, None),
    ("td3", "medium", {"issuer": "ITA"}, {}, None),
    ("chn", "easy", {"name_layout": "split", "authority": "old", "number_form": "E8"}, {}, None),
    ("chn", "easy", {"name_layout": "combined", "authority": "old", "number_form": "E8"}, {}, None),
    ("chn", "medium", {"name_layout": "split", "authority": "new", "number_form": "EL7"}, {}, None),
    ("chn", "medium", {"name_layout": "combined", "authority": "new", "number_form": "EL7"}, {}, None),
    ("chn", "easy", {"name_layout": "split", "authority": "old", "number_form": "EL7"}, {}, None),
    ("chn", "hard", {"name_layout": "split", "authority": "new"}, {}, None),
    ("chn", "easy", {"name_layout": "combined", "authority": "new", "abroad": True}, {}, None),
    ("chn", "easy", {"name_layout": "split", "authority": "new"},
     {"width": 4032, "height": 3024, "format": "jpg", "jpeg_quality": 60, "noise_sigma": 1.0, "coverage": 0.6}, None),
    ("chn", "medium", {"name_layout": "combined"}, {"format": "tif", "width": 640, "height": 480, "noise_sigma": 0.8}, None),
    ("chn", "medium", {"name_layout": "split", "abroad": True}, {}, None),
    ("td1", "easy", {}, {}, None),
    ("td1", "medium", {}, {"format": "bmp", "width": 640, "height": 480}, None),
    ("td2", "easy", {}, {}, None),
    ("td2", "medium", {}, {}, None),
    ("mrva", "easy", {}, {}, None),
    ("mrvb", "medium", {}, {}, None),
    ("negative", "easy", {}, {}, "background"),
    ("negative", "medium", {}, {}, "licence"),
    ("negative", "easy", {}, {}, "letter"),
    ("negative", "easy", {}, {}, "small_page"),
    ("negative", "easy", {}, {}, "tiny"),
    ("negative", "easy", {}, {}, "huge_claim"),
    ("negative", "easy", {}, {}, "truncated_jpeg"),
    ("negative", "easy", {}, {}, "corrupt_bytes"),
    ("negative", "easy", {}, {}, "gif_as_jpg"),
    ("negative", "easy", {}, {}, "webp_as_jpg"),
    ("negative", "easy", {}, {}, "empty_file"),
]


def fixture_jobs(seed: int):
    jobs = []
    for i, (kind, diff, df, sf, neg) in enumerate(FIXTURES):
        sf = dict(sf)
        if kind != "negative" or neg in ("background", "licence", "letter", "small_page"):
            sf.setdefault("format", J)
            if sf["format"] == J and "width" not in sf:
                sf.setdefault("jpeg_quality", 62)
        jobs.append(dict(master=seed, index=i, kind=kind, difficulty=diff, max_side=1024, doc_force=df,
                         scene_force=sf, neg_type=neg))
    return jobs
