#!/usr/bin/env python3
"""Export a trained MrzNet checkpoint to ONNX (opset 13, fixed shapes, BatchNorm folded).

The graph is written directly with onnx.helper from the folded weights, so it contains
only Pad (constant 1.0, on the input), Conv, Relu, MaxPool, Add, Reshape, Transpose
and LogSoftmax.  After writing it,
the model is checked with onnxruntime against PyTorch on the validation set
(identical greedy decodings required; max abs diff of log-probs reported).

  python export_mrz.py --ckpt runs/main/best.pt --out ../mrz/mrz_rec.onnx [--check N]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import onnx
from onnx import helper, TensorProto, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mrz_model import MrzNet, NUM_CLASSES, SUB  # noqa: E402

H, W = 32, 368


def fold(seq):
    """seq = Sequential(Conv2d(bias=False), BatchNorm2d, ReLU) -> (weight, bias, conv)."""
    conv, bn = seq[0], seq[1]
    w = conv.weight.detach().double()
    std = torch.sqrt(bn.running_var.double() + bn.eps)
    g = bn.weight.detach().double() / std
    wf = w * g[:, None, None, None]
    b0 = conv.bias.detach().double() if conv.bias is not None else torch.zeros_like(std)
    bf = (b0 - bn.running_mean.double()) * g + bn.bias.detach().double()
    return wf.float().numpy(), bf.float().numpy(), conv


def build_onnx(model):
    model.eval()
    nodes, inits = [], []
    counter = [0]

    def name(p):
        counter[0] += 1
        return "%s_%d" % (p, counter[0])

    def conv(x, w, b, c, relu=True):
        wn, bn_ = name("W"), name("B")
        inits.append(numpy_helper.from_array(w, wn))
        inits.append(numpy_helper.from_array(b, bn_))
        kh, kw = c.kernel_size
        ph, pw = c.padding
        dh, dw = c.dilation
        y = name("conv")
        nodes.append(helper.make_node("Conv", [x, wn, bn_], [y], kernel_shape=[kh, kw],
                                      pads=[ph, pw, ph, pw], dilations=[dh, dw], strides=[1, 1], group=1))
        if relu:
            z = name("relu")
            nodes.append(helper.make_node("Relu", [y], [z]))
            return z
        return y

    def cbr(x, seq):
        w, b, c = fold(seq)
        return conv(x, w, b, c)

    def maxpool(x, k):
        y = name("pool")
        nodes.append(helper.make_node("MaxPool", [x], [y], kernel_shape=list(k), strides=list(k), pads=[0, 0, 0, 0]))
        return y

    def add(a, b):
        y = name("add")
        nodes.append(helper.make_node("Add", [a, b], [y]))
        return y

    pads = numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "pads_in")
    padv = numpy_helper.from_array(np.array(1.0, np.float32), "pad_value")
    inits += [pads, padv]
    nodes.append(helper.make_node("Pad", ["input", "pads_in", "pad_value"], ["input_padded"], mode="constant"))
    x = "input_padded"
    x = maxpool(cbr(x, model.b1), (2, 2))
    x = maxpool(cbr(x, model.b2), (2, 2))
    x = maxpool(cbr(x, model.b3), (2, 1))
    x = cbr(x, model.b4)
    x = cbr(x, model.collapse)
    x = add(x, cbr(x, model.t1))
    x = add(x, cbr(x, model.t2))
    x = add(x, cbr(x, model.t3))
    hw = model.head.weight.detach().float().numpy()
    hb = model.head.bias.detach().float().numpy()
    y = conv(x, hw, hb, model.head, relu=False)  # 1 x SUB*C x 1 x 92
    T4 = W // 4
    s1 = numpy_helper.from_array(np.array([1, SUB, NUM_CLASSES, T4], np.int64), "shape_split")
    s2 = numpy_helper.from_array(np.array([1, T4 * SUB, NUM_CLASSES], np.int64), "shape_frames")
    inits += [s1, s2]
    nodes.append(helper.make_node("Reshape", [y, "shape_split"], ["head_split"]))
    nodes.append(helper.make_node("Transpose", ["head_split"], ["head_t"], perm=[0, 3, 1, 2]))
    nodes.append(helper.make_node("Reshape", ["head_t", "shape_frames"], ["logits"]))
    nodes.append(helper.make_node("LogSoftmax", ["logits"], ["logprobs"], axis=2))
    graph = helper.make_graph(
        nodes, "mrz_rec",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, H, W])],
        [helper.make_tensor_value_info("logprobs", TensorProto.FLOAT, [1, T4 * SUB, NUM_CLASSES])],
        inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="passread-train")
    m.ir_version = 8
    m.doc_string = ("passread MRZ line recognizer. input: 1x1x32x368 float32 strip (see MANIFEST.md); "
                    "output: 1x184x38 log-softmax, class 0 = CTC blank, 1..37 = <0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    onnx.checker.check_model(m)
    m = onnx.shape_inference.infer_shapes(m)
    return m


def load_model(ckpt):
    sd = torch.load(ckpt, map_location="cpu", weights_only=False)
    model = MrzNet(**sd.get("arch", {}))
    model.load_state_dict(sd["model"])
    model.eval()
    return model, sd


def check(model, onnx_path, n=None, sets=("val_medium",)):
    import onnxruntime as ort
    from mrz_data import make_set, as_input, greedy_decode
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    maxdiff, same, total = 0.0, 0, 0
    for sname in sets:
        d = make_set(sname)
        X = as_input(d["x"])
        if n:
            X = X[:n]
        with torch.no_grad():
            ref = model(torch.from_numpy(X)).numpy()
        for i in range(len(X)):
            o = sess.run(None, {"input": X[i:i + 1]})[0][0]
            maxdiff = max(maxdiff, float(np.abs(o - ref[i]).max()))
            same += greedy_decode(o) == greedy_decode(ref[i])
            total += 1
    return {"strips": total, "identical_decodings": same, "max_abs_diff": maxdiff}


def export(ckpt, out, n_check=None):
    model, sd = load_model(ckpt)
    m = build_onnx(model)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    onnx.save(m, out)
    res = None
    if n_check != 0:
        res = check(model, out, n_check)
    return res


if __name__ == "__main__":
    torch.set_num_threads(1)
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "mrz", "mrz_rec.onnx"))
    ap.add_argument("--check", type=int, default=None, help="strips to compare (default: all of val_medium; 0 = skip)")
    a = ap.parse_args()
    r = export(a.ckpt, a.out, a.check)
    print(json.dumps({"onnx": os.path.abspath(a.out), "bytes": os.path.getsize(a.out), "check": r}, indent=1))
    if r is not None and r["identical_decodings"] != r["strips"]:
        sys.exit("ONNX decodings differ from PyTorch")
