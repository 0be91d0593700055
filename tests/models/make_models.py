#!/usr/bin/python3
"""Writes the ONNX test models of the cost analysis and what each should cost.

Usage: /usr/bin/python3 make_models.py OUT_DIR

For every model NAME this writes OUT_DIR/NAME.onnx and OUT_DIR/NAME.expected.
The expected figures are computed here from the layer definitions with the
formulas documented in models/onnx_analysis.h, never by running the
analyser, so the C++ tests compare two independent computations:

  NAME.expected, one fact per line:
    ops N | macs N | weight_bytes N | activation_bytes N   (FP32-referenced:
        elements x 4, what the scheduler's JobCost holds)
    native_weight_bytes N | native_activation_bytes N      (model's dtypes)
    input_bytes N | output_bytes N | precision fp32|fp16
    node NAME OP OPS MACS SHAPE   (SHAPE of the first output, "1,16,32,32",
                                   "scalar" for rank 0)
    unresolved NAME               (a node the analyser cannot cost)

Malformed models (cyclic graph, missing input, huge dims, ...) get no
.expected file: the tests expect INVALID_ARGUMENT for them.

Needs the Debian python3-onnx and python3-numpy (/usr/bin/python3).
"""

import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NP_TO_ONNX = {
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float16): TensorProto.FLOAT16,
    np.dtype(np.int64): TensorProto.INT64,
}
ONNX_SIZE = {TensorProto.FLOAT: 4, TensorProto.FLOAT16: 2,
             TensorProto.INT64: 8}


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


class Model:
    """Builds a graph and, beside it, the cost the analyser should find."""

    def __init__(self, name, opset, ir_version=None, dtype=TensorProto.FLOAT):
        self.name = name
        self.opset = opset
        self.ir_version = ir_version
        self.dtype = dtype
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.shapes = {}  # tensor name -> shape known here
        self.ops = self.macs = 0
        self.weight_elems = self.native_weight_bytes = 0
        self.act_elems = self.native_act_bytes = 0
        self.input_bytes = self.output_bytes = 0
        self.node_lines = []
        self.unresolved = []
        self.extra_opsets = []
        self.init_inputs = False  # IR 3: initializers are graph inputs too
        # An opset newer than the operator changes the analysis knows
        # (onnx_opset_adapt.h, kOpsKnownOpset): its cost is partial.
        self.beyond_known = opset > 23

    # -- tensors ------------------------------------------------------------
    def input(self, name, shape, run_shape=None):
        """A graph input; `shape` may hold dim_params, `run_shape` is the
        shape the analysis uses (dynamic first dim -> 1)."""
        self.inputs.append(helper.make_tensor_value_info(name, self.dtype,
                                                         shape))
        run_shape = run_shape or [1 if isinstance(d, str) else d
                                  for d in shape]
        self.shapes[name] = run_shape
        self.input_bytes += numel(run_shape) * ONNX_SIZE[self.dtype]
        return name

    def weight(self, name, array, constant_node=False):
        """An initializer, or a Constant node; either counts as weights."""
        array = np.asarray(array)
        self.weight_elems += array.size
        self.native_weight_bytes += array.nbytes
        self.shapes[name] = list(array.shape)
        tensor = numpy_helper.from_array(array, name)
        if constant_node:
            self.nodes.append(helper.make_node("Constant", [], [name],
                                               name="const_" + name,
                                               value=tensor))
            self.node_lines.append(("const_" + name, "Constant", 0, 0,
                                    list(array.shape)))
        else:
            self.inits.append(tensor)
        return name

    def rand(self, name, shape, constant_node=False, dtype=np.float32):
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        return self.weight(name, rng.standard_normal(shape).astype(dtype),
                           constant_node)

    def ints(self, name, values):
        return self.weight(name, np.array(values, dtype=np.int64))

    def output(self, name):
        shape = self.shapes[name]
        self.outputs.append(helper.make_tensor_value_info(name, self.dtype,
                                                          None))
        self.output_bytes += numel(shape) * ONNX_SIZE[self.dtype]

    # -- nodes --------------------------------------------------------------
    def node(self, op, inputs, name, shape, ops=0, macs=0, kind="compute",
             domain=None, **attrs):
        """One node with one output named `name`. kind: "compute" (output
        counts as activations), "alias" (a view: no bytes), "folded"
        (computed at analysis time: no ops, no bytes)."""
        self.nodes.append(helper.make_node(op, inputs, [name], name=name,
                                           domain=domain, **attrs))
        self.shapes[name] = shape
        if kind == "compute":
            self.act_elems += numel(shape)
            self.native_act_bytes += numel(shape) * ONNX_SIZE[self.dtype]
        self.ops += ops
        self.macs += macs
        self.node_lines.append((name, op, ops, macs, shape))
        return name

    # -- layers, each with its cost formula ----------------------------------
    def conv(self, name, x, cout, k, stride=1, pad=0, group=1, bias=True):
        n, cin, h, w = self.shapes[x]
        wname = self.rand(name + "_w", [cout, cin // group, k, k])
        inputs = [x, wname]
        if bias:
            inputs.append(self.rand(name + "_b", [cout]))
        ho = (h + 2 * pad - k) // stride + 1
        wo = (w + 2 * pad - k) // stride + 1
        out = [n, cout, ho, wo]
        # MACs: every output element sums (cin / group) * k * k products.
        macs = numel(out) * (cin // group) * k * k
        ops = 2 * macs + (numel(out) if bias else 0)
        return self.node("Conv", inputs, name, out, ops, macs,
                         kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4, group=group)

    def conv_transpose(self, name, x, cout, k, stride, bias=True):
        n, cin, h, w = self.shapes[x]
        inputs = [x, self.rand(name + "_w", [cin, cout, k, k])]
        if bias:
            inputs.append(self.rand(name + "_b", [cout]))
        out = [n, cout, (h - 1) * stride + k, (w - 1) * stride + k]
        # Every input element is scattered to cout * k * k outputs.
        macs = n * cin * h * w * cout * k * k
        ops = 2 * macs + (numel(out) if bias else 0)
        return self.node("ConvTranspose", inputs, name, out, ops, macs,
                         kernel_shape=[k, k], strides=[stride, stride])

    def matmul(self, name, a, b):
        sa, sb = self.shapes[a], self.shapes[b]
        batch = sa[:-2] if len(sa) >= len(sb) else sb[:-2]
        out = batch + [sa[-2], sb[-1]]
        macs = numel(out) * sa[-1]
        return self.node("MatMul", [a, b], name, out, 2 * macs, macs)

    def gemm(self, name, x, nout):
        m, k = self.shapes[x]
        inputs = [x, self.rand(name + "_w", [nout, k]),
                  self.rand(name + "_b", [nout])]
        macs = m * nout * k
        return self.node("Gemm", inputs, name, [m, nout], 2 * macs + m * nout,
                         macs, transB=1)

    def elementwise(self, op, name, inputs, **attrs):
        shape = list(np.broadcast_shapes(
            *[tuple(self.shapes[i]) for i in inputs if i]))
        if op == "Clip":  # min and max are operands, not data
            shape = self.shapes[inputs[0]]
        return self.node(op, inputs, name, shape, numel(shape), **attrs)

    def batchnorm(self, name, x):
        c = self.shapes[x][1]
        ins = [x] + [self.rand(name + s, [c])
                     for s in ("_scale", "_bias", "_mean")]
        ins.append(self.weight(name + "_var", np.ones([c], np.float32)))
        shape = self.shapes[x]
        return self.node("BatchNormalization", ins, name, shape,
                         2 * numel(shape))

    def pool(self, op, name, x, k, stride):
        n, c, h, w = self.shapes[x]
        out = [n, c, (h - k) // stride + 1, (w - k) // stride + 1]
        return self.node(op, [x], name, out, numel(out) * k * k,
                         kernel_shape=[k, k], strides=[stride, stride])

    def global_pool(self, op, name, x):
        n, c = self.shapes[x][:2]
        return self.node(op, [x], name, [n, c, 1, 1], numel(self.shapes[x]))

    def softmax(self, name, x, axis):
        shape = self.shapes[x]
        return self.node("Softmax", [x], name, shape, 3 * numel(shape),
                         axis=axis)

    def reduce_mean(self, name, x, axis, keepdims=1):
        shape = list(self.shapes[x])
        out = list(shape)
        if keepdims:
            out[axis] = 1
        else:
            del out[axis]
        return self.node("ReduceMean", [x], name, out, numel(shape),
                         axes=[axis], keepdims=keepdims)

    def reduce18(self, op, name, x, axes, keepdims=1, per=1):
        """Reduce* at opset 18+: the axes are an input (a constant)."""
        shape = list(self.shapes[x])
        out = [1 if i in axes else d for i, d in enumerate(shape)]
        if not keepdims:
            out = [d for i, d in enumerate(shape) if i not in axes]
        return self.node(op, [x, self.ints(name + "_axes", axes)], name, out,
                         per * numel(shape), keepdims=keepdims)

    def pad18(self, name, x, begin, end, axes, **attrs):
        """Pad at opset 18+ over the listed axes only (an axes input)."""
        out = list(self.shapes[x])
        for a, b, e in zip(axes, begin, end):
            out[a] += b + e
        return self.node("Pad", [x, self.ints(name + "_pads", begin + end),
                                 "", self.ints(name + "_axes", axes)],
                         name, out, **attrs)

    def split18(self, name, x, axis, parts):
        """Split at opset 18+ by num_outputs: two or more equal parts."""
        shape = list(self.shapes[x])
        part = list(shape)
        part[axis] //= parts
        outs = [f"{name}_{i}" for i in range(parts)]
        self.nodes.append(helper.make_node("Split", [x], outs, name=name,
                                           axis=axis, num_outputs=parts))
        for o in outs:
            self.shapes[o] = part
            self.act_elems += numel(part)
            self.native_act_bytes += numel(part) * ONNX_SIZE[self.dtype]
        self.node_lines.append((name, "Split", 0, 0, part))
        return outs

    def group_norm(self, name, x, groups, **attrs):
        """GroupNormalization (new at 18): scale and bias per group at 18,
        per channel at 21; 7 ops per element like InstanceNormalization."""
        c = self.shapes[x][1]
        n = groups if self.opset < 21 else c
        shape = self.shapes[x]
        return self.node("GroupNormalization",
                         [x, self.rand(name + "_scale", [n]),
                          self.rand(name + "_bias", [n])], name, shape,
                         7 * numel(shape), num_groups=groups, **attrs)

    def resize_linear(self, name, x, scales):
        shape = self.shapes[x]
        out = [int(d * s) for d, s in zip(shape, scales)]
        resized = sum(1 for d, o in zip(shape, out) if d != o)
        ops = numel(out) * 2 * 2 ** resized  # one multiply-add per tap
        s = self.weight(name + "_scales", np.array(scales, np.float32))
        if self.opset < 10:
            return self.node("Upsample", [x, s], name, out, ops,
                             mode="linear")
        if self.opset == 11:
            roi = self.weight(name + "_roi", np.zeros([0], np.float32))
            return self.node("Resize", [x, roi, s], name, out, ops,
                             mode="linear")
        return self.node("Resize", [x, "", s], name, out, ops, mode="linear")

    def unsqueeze(self, name, x, axis, kind):
        shape = list(self.shapes[x])
        shape.insert(axis, 1)
        if self.opset < 13:
            return self.node("Unsqueeze", [x], name, shape, kind=kind,
                             axes=[axis])
        return self.node("Unsqueeze", [x, self.ints(name + "_axes", [axis])],
                         name, shape, kind=kind)

    def squeeze(self, name, x, axis):
        shape = list(self.shapes[x])
        del shape[axis]
        if self.opset < 13:
            return self.node("Squeeze", [x], name, shape, kind="alias",
                             axes=[axis])
        return self.node("Squeeze", [x, self.ints(name + "_axes", [axis])],
                         name, shape, kind="alias")

    def flatten_by_shape_chain(self, name, x, use_slice):
        """Reshape(x, Concat(first dim of Shape(x), [-1])): ONNX 1.12's own
        inference leaves the Reshape unknown; the analyser folds it."""
        rank = len(self.shapes[x])
        s = self.node("Shape", [x], name + "_shape", [rank], kind="folded")
        if use_slice:
            if self.opset < 10:
                first = self.node("Slice", [s], name + "_first", [1],
                                  kind="folded", starts=[0], ends=[1])
            else:
                first = self.node(
                    "Slice", [s, self.ints(name + "_starts", [0]),
                              self.ints(name + "_ends", [1])],
                    name + "_first", [1], kind="folded")
        else:
            g = self.node("Gather", [s, self.weight(
                name + "_idx", np.array(0, np.int64))], name + "_gather", [],
                kind="folded", axis=0)
            first = self.unsqueeze(name + "_unsq", g, 0, kind="folded")
        cat = self.node("Concat", [first, self.ints(name + "_minus1", [-1])],
                        name + "_concat", [2], kind="folded", axis=0)
        shape = self.shapes[x]
        return self.node("Reshape", [x, cat], name, [shape[0],
                                                     numel(shape[1:])],
                         kind="alias")

    # -- output ---------------------------------------------------------------
    def save(self, out_dir, expected=True, expected_suffix=""):
        inputs = list(self.inputs)
        if self.init_inputs:
            inputs += [helper.make_tensor_value_info(t.name, t.data_type,
                                                     list(t.dims))
                       for t in self.inits]
        graph = helper.make_graph(self.nodes, self.name, inputs, self.outputs,
                                  self.inits)
        opsets = [helper.make_opsetid("", self.opset)] + self.extra_opsets
        model = helper.make_model(graph, opset_imports=opsets,
                                  producer_name="joule make_models.py")
        if self.ir_version:
            model.ir_version = self.ir_version
        with open(os.path.join(out_dir, self.name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())
        if expected:
            self.write_expected(out_dir, self.name + expected_suffix)

    def write_expected(self, out_dir, stem, partial=False):
        precision = {TensorProto.FLOAT: "fp32",
                     TensorProto.FLOAT16: "fp16"}[self.dtype]
        lines = [
            f"ops {self.ops}", f"macs {self.macs}",
            f"weight_bytes {self.weight_elems * 4}",
            f"activation_bytes {self.act_elems * 4}",
            f"native_weight_bytes {self.native_weight_bytes}",
            f"native_activation_bytes {self.native_act_bytes}",
            f"input_bytes {self.input_bytes}",
            f"output_bytes {self.output_bytes}",
            f"precision {precision}",
        ]
        total = len(self.nodes)
        lines += [f"complete {0 if (self.unresolved or self.beyond_known) else 1}",
                  f"nodes_resolved {total - len(self.unresolved)}",
                  f"nodes_total {total}"]
        if partial:  # outputs of unresolved nodes have no known size
            lines = [l for l in lines if not l.startswith("output_bytes")]
        for name, op, ops, macs, shape in self.node_lines:
            dims = ",".join(str(d) for d in shape) if shape else "scalar"
            lines.append(f"node {name} {op} {ops} {macs} {dims}")
        lines += [f"unresolved {n}" for n in self.unresolved]
        with open(os.path.join(out_dir, stem + ".expected"), "w") as f:
            f.write("\n".join(lines) + "\n")


# -- the models ---------------------------------------------------------------

def cnn(out_dir):
    """Conv/BN/Relu/MaxPool/Conv/Relu/GlobalAveragePool/Flatten/Gemm with a
    dynamic batch dimension (analysed at batch 1)."""
    m = Model("cnn", 13)
    x = m.input("x", ["N", 3, 32, 32])
    y = m.conv("conv1", x, 16, 3, pad=1)
    y = m.batchnorm("bn1", y)
    y = m.elementwise("Relu", "relu1", [y])
    y = m.pool("MaxPool", "pool1", y, 2, 2)
    y = m.conv("conv2", y, 32, 3, stride=2, pad=1, bias=False)
    y = m.elementwise("Relu", "relu2", [y])
    y = m.global_pool("GlobalAveragePool", "gap", y)
    n, c = m.shapes[y][:2]
    y = m.node("Flatten", [y], "flatten", [n, c], kind="alias", axis=1)
    y = m.gemm("fc", y, 10)
    m.output(y)
    m.save(out_dir)


def dwconv(out_dir):
    """Depthwise and grouped convolutions, Clip with operand bounds (opset
    11), AveragePool, Sigmoid and a ConvTranspose."""
    m = Model("dwconv", 11)
    x = m.input("x", [1, 8, 16, 16])
    y = m.conv("dw", x, 8, 3, pad=1, group=8)
    y = m.elementwise("Relu", "dw_relu", [y])
    y = m.conv("pw", y, 16, 1, group=2, bias=False)
    lo = m.weight("clip_min", np.array(0, np.float32))
    hi = m.weight("clip_max", np.array(6, np.float32))
    y = m.elementwise("Clip", "clip", [y, lo, hi])
    y = m.pool("AveragePool", "avgpool", y, 2, 2)
    y = m.elementwise("Sigmoid", "sigmoid", [y])
    y = m.conv_transpose("up", y, 4, 2, 2)
    m.output(y)
    m.save(out_dir)


def mlp(out_dir):
    """MatMul/Add/Relu/Softmax at opset 9, IR 3 (initializers are also graph
    inputs, as old exporters wrote them)."""
    m = Model("mlp", 9, ir_version=3)
    m.init_inputs = True
    x = m.input("x", [1, 64])
    y = m.matmul("fc1", x, m.rand("w1", [64, 128]))
    y = m.elementwise("Add", "add1", [y, m.rand("b1", [128])])
    y = m.elementwise("Relu", "relu1", [y])
    y = m.matmul("fc2", y, m.rand("w2", [128, 10]))
    y = m.elementwise("Add", "add2", [y, m.rand("b2", [10])])
    y = m.softmax("softmax", y, 1)
    m.output(y)
    m.save(out_dir)


def mlp_fp16(out_dir):
    """An FP16 model: its own bytes are half the FP32-referenced ones."""
    m = Model("mlp_fp16", 13, dtype=TensorProto.FLOAT16)
    x = m.input("x", [1, 32])
    y = m.matmul("fc", x, m.rand("w", [32, 16], dtype=np.float16))
    y = m.elementwise("Relu", "relu", [y])
    m.output(y)
    m.save(out_dir)


def transformer(out_dir):
    """One attention block whose LayerNorm is built from primitives; every
    weight is a Constant node."""
    m = Model("transformer", 13)
    x = m.input("x", [1, 16, 32])

    def const(name, array):
        return m.weight(name, np.asarray(array, np.float32),
                        constant_node=True)

    mean = m.reduce_mean("ln_mean", x, 2)
    d = m.elementwise("Sub", "ln_sub", [x, mean])
    sq = m.elementwise("Pow", "ln_pow", [d, const("two", 2.0)])
    var = m.reduce_mean("ln_var", sq, 2)
    ve = m.elementwise("Add", "ln_addeps", [var, const("eps", 1e-5)])
    sd = m.elementwise("Sqrt", "ln_sqrt", [ve])
    y = m.elementwise("Div", "ln_div", [d, sd])
    y = m.elementwise("Mul", "ln_scale", [y, m.rand("gamma", [32], True)])
    y = m.elementwise("Add", "ln_shift", [y, m.rand("beta", [32], True)])
    q = m.matmul("q", y, m.rand("wq", [32, 32], True))
    k = m.matmul("k", y, m.rand("wk", [32, 32], True))
    v = m.matmul("v", y, m.rand("wv", [32, 32], True))
    kt = m.node("Transpose", [k], "kt", [1, 32, 16], perm=[0, 2, 1])
    s = m.matmul("scores", q, kt)
    s = m.elementwise("Mul", "scale", [s, const("inv_sqrt_d", 32 ** -0.5)])
    p = m.softmax("attn", s, -1)
    c = m.matmul("context", p, v)
    o = m.matmul("proj", c, m.rand("wo", [32, 32], True))
    o = m.elementwise("Add", "residual", [o, x])
    m.output(o)
    m.save(out_dir)


def reshape_chain(out_dir):
    """Conv, then Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])),
    then MatMul: dynamic batch, analysed at batch 1 and at batch 3."""
    for batch, suffix in ((1, ""), (3, "_b3")):
        m = Model("reshape_chain", 13)
        x = m.input("x", ["batch", 4, 8, 8], run_shape=[batch, 4, 8, 8])
        y = m.conv("conv", x, 8, 3, pad=1)
        y = m.elementwise("Relu", "relu", [y])
        y = m.flatten_by_shape_chain("flat", y, use_slice=False)
        y = m.matmul("fc", y, m.rand("fc_w", [512, 10]))
        y = m.elementwise("Add", "fc_bias", [y, m.rand("fc_b", [10])])
        m.output(y)
        m.save(out_dir, expected_suffix=suffix)


def variant(out_dir, opset):
    """The same network at each opset: Clip (attributes before 11), Upsample
    (9) or Resize, Slice (attributes before 10), Unsqueeze/Squeeze (axes
    attribute before 13), LayerNormalization at 17."""
    m = Model(f"variant_op{opset}", opset)
    x = m.input("x", ["N", 3, 8, 8])
    y = m.conv("conv", x, 4, 3, pad=1)
    if opset < 11:
        y = m.elementwise("Clip", "clip", [y], min=0.0, max=6.0)
    else:
        y = m.elementwise("Clip", "clip", [
            y, m.weight("clip_min", np.array(0, np.float32)),
            m.weight("clip_max", np.array(6, np.float32))])
    y = m.resize_linear("up", y, [1, 1, 2, 2])
    y = m.flatten_by_shape_chain("flat", y, use_slice=True)
    y = m.unsqueeze("unsq", y, 1, kind="alias")
    y = m.squeeze("sq", y, 1)
    y = m.matmul("fc", y, m.rand("fc_w", [1024, 10]))
    if opset >= 17:
        shape = m.shapes[y]
        y = m.node("LayerNormalization",
                   [y, m.rand("ln_scale", [10]), m.rand("ln_bias", [10])],
                   "ln", shape, 7 * numel(shape), axis=-1)
    y = m.softmax("softmax", y, 1)
    m.output(y)
    m.save(out_dir)


def custom_op(out_dir):
    """A node of an unknown domain: it and what depends on it are
    unresolved; the rest is costed."""
    m = Model("custom_op", 13)
    m.extra_opsets = [helper.make_opsetid("com.example", 1)]
    x = m.input("x", [1, 8])
    y = m.elementwise("Relu", "relu1", [x])
    m.nodes.append(helper.make_node("Frobnicate", [y], ["frob"], name="frob",
                                    domain="com.example"))
    m.nodes.append(helper.make_node("Relu", ["frob"], ["relu2"],
                                    name="relu2"))
    m.unresolved = ["frob", "relu2"]
    m.outputs.append(helper.make_tensor_value_info("relu2", TensorProto.FLOAT,
                                                   None))
    m.save(out_dir, expected=False)
    # Only what is known: the output's size is not.
    m.write_expected(out_dir, m.name, partial=True)


def ocr_dyn(out_dir):
    """A text-recognition-like model whose width is dynamic: the conv part
    scales with it, the classifier after global pooling does not. Analysed
    at width 160 (ocr_dyn) and 320 (ocr_dyn_w320)."""
    for width, suffix in ((160, ""), (320, "_w320")):
        m = Model("ocr_dyn", 13)
        x = m.input("x", [1, 1, 32, "W"], run_shape=[1, 1, 32, width])
        y = m.conv("conv", x, 8, 3, pad=1)
        y = m.elementwise("Relu", "relu", [y])
        y = m.global_pool("GlobalAveragePool", "gap", y)
        y = m.node("Flatten", [y], "flatten", [1, 8], kind="alias", axis=1)
        y = m.gemm("fc", y, 512)
        m.output(y)
        m.save(out_dir, expected_suffix=suffix)


def unknown_only(out_dir):
    """Nothing the analysis can resolve (an op of an unknown domain first):
    it still registers, its cost partial (0 of 2 nodes) and from memory
    traffic alone."""
    m = Model("unknown_only", 13)
    m.extra_opsets = [helper.make_opsetid("com.example", 1)]
    x = m.input("x", [1, 8])
    m.nodes.append(helper.make_node("Frobnicate", [x], ["f"], name="frob",
                                    domain="com.example"))
    m.nodes.append(helper.make_node("Relu", ["f"], ["out"], name="relu"))
    m.unresolved = ["frob", "relu"]
    m.outputs.append(helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                                   None))
    m.save(out_dir, expected=False)
    m.write_expected(out_dir, m.name, partial=True)


# -- opsets newer than ONNX 1.12 knows (17): operators whose signature changed
# after 17 (models/onnx_opset_adapt.h). ONNX 1.12's helper writes them; its
# checker and inference know none of it.

def opset18(out_dir):
    """Opset 18, only ops unchanged since 17: complete."""
    m = Model("opset18", 18)
    x = m.input("x", [1, 8])
    y = m.elementwise("Relu", "relu", [x])
    m.output(y)
    m.save(out_dir)


def opset18_changed(out_dir):
    """Opset 18: ReduceMean with its axes as an input, Pad with an axes
    input, Split by num_outputs, GroupNormalization (new at 18)."""
    m = Model("opset18_changed", 18)
    x = m.input("x", ["N", 8, 16, 16])
    y = m.conv("conv", x, 8, 3, pad=1)
    y = m.pad18("pad", y, [1, 2], [1, 2], [2, 3], mode="constant")
    a, b = m.split18("split", y, 1, 2)
    a = m.group_norm("gn", a, 2)
    s = m.elementwise("Add", "sum", [a, b])
    y = m.reduce18("ReduceMean", "mean", s, [2, 3])
    m.output(y)
    m.save(out_dir)


def opset19_changed(out_dir):
    """Opset 19: Pad in wrap mode (new at 19), Resize with
    half_pixel_symmetric (new at 19), AveragePool (dilations attribute
    added at 19, left out here)."""
    m = Model("opset19_changed", 19)
    x = m.input("x", [1, 4, 8, 8])
    y = m.pad18("pad", x, [1, 1], [1, 1], [2, 3], mode="wrap")
    y = m.pool("AveragePool", "pool", y, 2, 2)
    up = m.resize_linear("up", y, [1, 1, 2, 2])
    m.nodes[-1].attribute.append(helper.make_attribute(
        "coordinate_transformation_mode", "half_pixel_symmetric"))
    m.output(up)
    m.save(out_dir)


def opset20_partial(out_dir):
    """Opset 20: Gelu (new at 20) and ReduceMax with an axes input are
    costed; Col2Im (new at 18) and the Relu after it are unresolved, so the
    cost is partial."""
    m = Model("opset20_partial", 20)
    x = m.input("x", [1, 4, 8])
    g = m.elementwise("Gelu", "gelu", [x])
    r = m.reduce18("ReduceMax", "max", g, [2])
    m.output(r)
    img = m.ints("image_shape", [3, 4])
    blk = m.ints("block_shape", [1, 2])
    m.nodes.append(helper.make_node("Col2Im", [x, img, blk], ["im"],
                                    name="col2im"))
    m.nodes.append(helper.make_node("Relu", ["im"], ["im_relu"],
                                    name="im_relu"))
    m.unresolved = ["col2im", "im_relu"]
    m.outputs.append(helper.make_tensor_value_info("im_relu",
                                                   TensorProto.FLOAT, None))
    m.save(out_dir, expected=False)
    m.write_expected(out_dir, m.name, partial=True)


def opset21_changed(out_dir):
    """Opset 21: GroupNormalization with per-channel scale and bias (changed
    at 21), ReduceSumSquare with no axes and noop_with_empty_axes (an
    identity), Flatten and Transpose (types only at 21)."""
    m = Model("opset21_changed", 21)
    x = m.input("x", [1, 6, 4, 4])
    y = m.group_norm("gn", x, 3, stash_type=1)
    shape = m.shapes[y]
    y = m.node("ReduceSumSquare", [y], "rss", shape, 2 * numel(shape),
               noop_with_empty_axes=1)
    y = m.node("Transpose", [y], "tr", [1, 4, 4, 6], perm=[0, 2, 3, 1])
    y = m.node("Flatten", [y], "flat", [1, 96], kind="alias", axis=1)
    m.output(y)
    m.save(out_dir)


def opset25(out_dir):
    """Newer than the operator changes the analysis knows: every node
    resolves, but the cost is marked partial."""
    m = Model("opset25", 25)
    x = m.input("x", [1, 8])
    y = m.elementwise("Relu", "relu", [x])
    m.output(y)
    m.save(out_dir)


# -- malformed models (no .expected: INVALID_ARGUMENT) -------------------------

def save_raw(out_dir, name, nodes, inputs, outputs, inits=(), opset=13,
             extra_opsets=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)] +
        list(extra_opsets))
    with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def malformed(out_dir):
    f32 = TensorProto.FLOAT
    x = helper.make_tensor_value_info("x", f32, [1, 8])
    out = helper.make_tensor_value_info("out", f32, None)
    # a -> b -> a.
    save_raw(out_dir, "cyclic", [
        helper.make_node("Add", ["x", "b_out"], ["a_out"], name="a"),
        helper.make_node("Relu", ["a_out"], ["b_out"], name="b"),
        helper.make_node("Relu", ["b_out"], ["out"], name="c"),
    ], [x], [out])
    save_raw(out_dir, "missing_input", [
        helper.make_node("Add", ["x", "nowhere"], ["out"], name="add"),
    ], [x], [out])
    save_raw(out_dir, "duplicate_output", [
        helper.make_node("Relu", ["x"], ["y"], name="r1"),
        helper.make_node("Relu", ["x"], ["y"], name="r2"),
        helper.make_node("Relu", ["y"], ["out"], name="r3"),
    ], [x], [out])
    # 2^31 * 2^31 * 2^31 * 4 elements: no 64-bit count holds it.
    huge = helper.make_tensor_value_info("x", f32, [2 ** 31] * 3 + [4])
    save_raw(out_dir, "huge_dims", [
        helper.make_node("Relu", ["x"], ["out"], name="relu"),
    ], [huge], [out])
    # An initializer whose dims promise far more data than it carries.
    lying = TensorProto(name="w", data_type=f32, dims=[1 << 20, 1 << 20],
                        float_data=[1.0])
    save_raw(out_dir, "lying_initializer", [
        helper.make_node("MatMul", ["x", "w"], ["out"], name="mm"),
    ], [x], [out], inits=[lying])
    # ONNX 1.12's own ConvTranspose inference reads W's dims without
    # checking its rank: a 1-D W crashes it (found by fuzzing).
    save_raw(out_dir, "crash_convtranspose", [
        helper.make_node("ConvTranspose", ["img", "w1d"], ["out"], name="up",
                         kernel_shape=[2, 2], strides=[2, 2]),
    ], [helper.make_tensor_value_info("img", f32, [1, 8, 4, 4])], [out],
        inits=[numpy_helper.from_array(np.ones([4], np.float32), "w1d")])
    # Needs a shape for its second (dynamic) dimension.
    dyn = helper.make_tensor_value_info("x", f32, ["N", "T"])
    save_raw(out_dir, "dynamic_seq", [
        helper.make_node("Relu", ["x"], ["out"], name="relu"),
    ], [dyn], [out])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_models.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for make in (cnn, dwconv, mlp, mlp_fp16, transformer, reshape_chain,
                 custom_op, ocr_dyn, unknown_only, opset18, opset18_changed,
                 opset19_changed, opset20_partial, opset21_changed, opset25,
                 malformed):
        make(out_dir)
    for opset in (9, 11, 13, 17):
        variant(out_dir, opset)


if __name__ == "__main__":
    main()
