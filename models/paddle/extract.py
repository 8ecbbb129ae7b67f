#!/usr/bin/env python3
"""Extracts the PP-OCRv4 mobile text recognizer from its source wheel: the model the shipped one is
fine-tuned from (`finetune/reproduce.sh`), and the character dictionary shipped in models/paddle/.

    python3 models/paddle/extract.py --out DIR   # downloads the wheel with pip, writes the files, verifies
    python3 models/paddle/extract.py --out DIR --wheel rapidocr_onnxruntime-1.4.4-py3-none-any.whl

Source: the PyPI package rapidocr-onnxruntime==1.4.4 (Apache-2.0), which ships PaddleOCR's
PP-OCRv4 models (Apache-2.0) converted to ONNX. We copy `ch_PP-OCRv4_rec_infer.onnx` unchanged and
write its character dictionary (ONNX metadata key `character`, one character a line) to
`ppocrv4_rec_dict.txt`. The ONNX protobuf is read by hand (no `onnx` package needed).
Every written file is checked against the sha256 in MANIFEST.md's table (the model against the row
of its name in the wheel, `ch_PP-OCRv4_rec_infer.onnx`: the shipped `ppocrv4_rec.onnx` is the
fine-tuned one). DIR must not be models/paddle itself, whose model the fine-tune replaced.
"""
import argparse
import glob
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "rapidocr-onnxruntime==1.4.4"
MEMBER = "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx"
MODEL_OUT = "ppocrv4_rec.onnx"
DICT_OUT = "ppocrv4_rec_dict.txt"


def varint(b, i):
    shift = v = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        if c < 0x80:
            return v, i
        shift += 7


def fields(b):
    """Top-level (field number, wire type, value) of a protobuf message."""
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wt}")
        yield num, wt, v


def metadata(model_bytes):
    """ModelProto.metadata_props (field 14): StringStringEntryProto {key = 1, value = 2}."""
    out = {}
    for num, wt, v in fields(model_bytes):
        if num == 14 and wt == 2:
            kv = {n: val for n, _, val in fields(v)}
            out[kv.get(1, b"").decode()] = kv.get(2, b"").decode()
    return out


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def manifest_hashes():
    text = open(os.path.join(HERE, "MANIFEST.md"), encoding="utf-8").read()
    return dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|", text, re.M))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", help="an already downloaded wheel")
    ap.add_argument("--out", required=True, help="directory for the original model and the dictionary")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if out == HERE:
        sys.exit("--out must not be models/paddle: the shipped recognizer there is the fine-tuned one")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if not wheel:
            subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE])
            wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
        data = zipfile.ZipFile(wheel).read(MEMBER)
    with open(os.path.join(out, MODEL_OUT), "wb") as f:
        f.write(data)
    chars = metadata(data)["character"].split("\n")
    with open(os.path.join(out, DICT_OUT), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(chars) + "\n")
    print(f"{MODEL_OUT}: {len(data)} bytes; {DICT_OUT}: {len(chars)} characters")
    want = manifest_hashes() if os.path.exists(os.path.join(HERE, "MANIFEST.md")) else {}
    ok = True
    for name, row in ((MODEL_OUT, os.path.basename(MEMBER)), (DICT_OUT, DICT_OUT)):
        got = sha256(os.path.join(out, name))
        print(f"{name} sha256 {got}")
        if row not in want:
            print(f"MISSING: no row for {row} in MANIFEST.md", file=sys.stderr)
            ok = False
        elif want[row] != got:
            print(f"MISMATCH: MANIFEST.md says {want[row]}", file=sys.stderr)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
