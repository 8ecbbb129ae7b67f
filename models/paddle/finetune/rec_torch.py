"""PP-OCRv4's recognizer (models/paddle/ppocrv4_rec.onnx) as a trainable PyTorch module, and back.

The ONNX file keeps its weights in Constant nodes. `load()` turns them into initializers, fills in the
BatchNormalization inputs' rank that ONNX shape inference leaves open, drops the final Softmax (training
needs the logits) and converts the graph with onnx2torch. Conv and BatchNormalization weights become
parameters of their modules; the other float constants (the SVTR neck's MatMul weights, LayerNorm scales)
become parameters when their value is unique in the graph, so each maps back to one Constant node.

`write_back()` puts the trained values into the Constant nodes of the original file: the graph, its
opset and its node order stay exactly those tract already runs; only weight values change.
"""
import warnings

import numpy as np
import onnx
import torch
from onnx import numpy_helper

warnings.filterwarnings("ignore", category=UserWarning, module="onnx2torch")

HEAD = "linear_85.w_0"  # the classifier's weight (120 x 6625)
HEAD_BIAS = "linear_85.b_0"


def _training_graph(onnx_path: str) -> onnx.ModelProto:
    m = onnx.load(onnx_path)
    g = m.graph
    keep = []
    for n in g.node:
        if n.op_type == "Constant" and n.attribute[0].name == "value":
            t = onnx.helper.get_attribute_value(n.attribute[0])
            t.name = n.output[0]
            g.initializer.append(t)
        else:
            keep.append(n)
    last = keep[-1]
    if last.op_type != "Softmax" or last.output[0] != g.output[0].name:
        raise SystemExit(f"{onnx_path}: expected a final Softmax, found {last.op_type}")
    keep = keep[:-1]
    del g.node[:]
    g.node.extend(keep)
    out = onnx.helper.make_tensor_value_info(last.input[0], onnx.TensorProto.FLOAT, ["n", "t", 6625])
    del g.output[:]
    g.output.append(out)
    d = g.input[0].type.tensor_type.shape.dim
    d[0].dim_value, d[2].dim_value = 1, 48
    m = onnx.shape_inference.infer_shapes(m)
    vi = {v.name: v for v in m.graph.value_info}
    for n in m.graph.node:
        if n.op_type == "BatchNormalization":
            v = vi.get(n.input[0])
            if v is None or len(v.type.tensor_type.shape.dim) == 0:
                if v is not None:
                    m.graph.value_info.remove(v)
                m.graph.value_info.append(onnx.helper.make_tensor_value_info(n.input[0], onnx.TensorProto.FLOAT, list("abcd")))
    return m


def load(onnx_path: str, train_head: bool = False):
    """(module returning logits N x T x 6625, {parameter name: Constant output name})."""
    from onnx2torch import convert

    m = _training_graph(onnx_path)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    module = convert(m)
    mapping = {}
    # Conv / BatchNormalization modules are named after their nodes ("p2o.Conv.0" -> "p2o/Conv/0").
    modules = dict(module.named_modules())
    for n in m.graph.node:
        mod = modules.get(n.name.replace(".", "/"))
        if mod is None:
            continue
        if n.op_type == "Conv":
            mapping[f"{n.name.replace('.', '/')}.weight"] = n.input[1]
            if len(n.input) > 2:
                mapping[f"{n.name.replace('.', '/')}.bias"] = n.input[2]
        elif n.op_type == "BatchNormalization":
            mapping[f"{n.name.replace('.', '/')}.weight"] = n.input[1]
            mapping[f"{n.name.replace('.', '/')}.bias"] = n.input[2]
    # Float constants that stayed buffers: made trainable when their value names one constant only.
    by_value = {}
    for name, arr in inits.items():
        if arr.dtype == np.float32 and arr.size > 1:
            by_value.setdefault((arr.shape, arr.tobytes()), []).append(name)
    holder = module.initializers
    for bname, buf in list(holder.named_buffers(recurse=False)):
        arr = buf.detach().numpy()
        if arr.dtype != np.float32 or arr.size <= 1:
            continue
        names = by_value.get((arr.shape, arr.tobytes()), [])
        if len(names) != 1:
            continue
        if names[0] in (HEAD, HEAD_BIAS) and not train_head:
            continue
        delattr(holder, bname)
        holder.register_parameter(bname, torch.nn.Parameter(buf.clone()))
        mapping[f"initializers.{bname}"] = names[0]
    params = dict(module.named_parameters())
    for pname, cname in mapping.items():
        if not np.array_equal(params[pname].detach().numpy(), inits[cname]):
            raise SystemExit(f"mapping {pname} -> {cname}: values differ")
    for pname, p in params.items():
        if pname not in mapping:
            p.requires_grad_(False)
    return module, mapping


def write_back(onnx_path: str, module, mapping: dict, out_path: str) -> int:
    """Writes `module`'s trained values into the Constant nodes of `onnx_path`; returns how many changed."""
    m = onnx.load(onnx_path)
    params = dict(module.named_parameters())
    by_output = {cname: pname for pname, cname in mapping.items()}
    changed = 0
    for n in m.graph.node:
        if n.op_type != "Constant" or n.output[0] not in by_output:
            continue
        old = numpy_helper.to_array(n.attribute[0].t)
        new = params[by_output[n.output[0]]].detach().numpy().astype(np.float32).reshape(old.shape)
        if not np.array_equal(old, new):
            changed += 1
        t = numpy_helper.from_array(new, name=n.attribute[0].t.name)
        n.attribute[0].t.CopyFrom(t)
    onnx.checker.check_model(m)
    onnx.save(m, out_path)
    return changed
