#!/usr/bin/python3
"""Writes the ONNX models the executor tests run, with reference outputs.

Usage: /usr/bin/python3 make_reference_models.py OUT_DIR

For every runnable model NAME this writes:
  OUT_DIR/NAME.onnx
  OUT_DIR/NAME.input.bin     the test input, raw little-endian float32
  OUT_DIR/NAME.expected.bin  the reference output, raw little-endian float32,
                             computed HERE with numpy from the same weights
                             (never by running a model), so the C++ test
                             compares two independent computations
  OUT_DIR/NAME.meta          "input NAME D0,D1,..." and "output NAME D0,..."

custom_op (a node of an operator no runtime implements: the cost analysis
takes the model, ONNX Runtime refuses it) gets only NAME.onnx.

The MLP's weights and input follow closed formulas (MlpW1 & co. below) that
the C++ test re-implements with plain loops: a third, numpy-free check.

Needs the Debian python3-onnx and python3-numpy (/usr/bin/python3).
"""

import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = np.float32


def save(out_dir, name, nodes, inputs, outputs, inits, opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="joule make_reference_models.py")
    onnx.checker.check_model(model)
    with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def write_case(out_dir, name, in_name, x, out_name, y):
    x = np.ascontiguousarray(x, dtype="<f4")
    y = np.ascontiguousarray(y, dtype="<f4")
    x.tofile(os.path.join(out_dir, name + ".input.bin"))
    y.tofile(os.path.join(out_dir, name + ".expected.bin"))
    with open(os.path.join(out_dir, name + ".meta"), "w") as f:
        f.write("input %s %s\n" % (in_name, ",".join(str(d) for d in x.shape)))
        f.write("output %s %s\n" % (out_name,
                                     ",".join(str(d) for d in y.shape)))


def init(name, array):
    return numpy_helper.from_array(np.asarray(array, F32), name)


def rand(rng, shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(F32)


# -- MLP: formulas shared with executors/model_executor_test_helpers.h -------
# Keep these in step with the C++ test's MlpW1/MlpB1/MlpW2/MlpB2/MlpInput.
MLP_IN, MLP_HIDDEN, MLP_OUT = 16, 32, 8


def mlp_weights():
    w1 = np.array([[math.sin(0.37 * (i * MLP_HIDDEN + j) + 0.1) * 0.5
                    for j in range(MLP_HIDDEN)] for i in range(MLP_IN)], F32)
    b1 = np.array([0.1 * math.cos(j) for j in range(MLP_HIDDEN)], F32)
    w2 = np.array([[math.cos(0.23 * (i * MLP_OUT + j)) * 0.4
                    for j in range(MLP_OUT)] for i in range(MLP_HIDDEN)], F32)
    b2 = np.array([0.05 * j - 0.2 for j in range(MLP_OUT)], F32)
    return w1, b1, w2, b2


def mlp_input(batch):
    return np.array([[math.sin(0.5 * (r * MLP_IN + i)) for i in range(MLP_IN)]
                     for r in range(batch)], F32)


def mlp_graph(out_dir, name, batch_dim):
    w1, b1, w2, b2 = mlp_weights()
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="add1"),
        helper.make_node("Relu", ["h1"], ["h2"], name="relu1"),
        helper.make_node("MatMul", ["h2", "w2"], ["h3"], name="fc2"),
        helper.make_node("Add", ["h3", "b2"], ["y"], name="add2"),
    ]
    save(out_dir, name, nodes,
         [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                        [batch_dim, MLP_IN])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                        [batch_dim, MLP_OUT])],
         [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2)])
    return w1, b1, w2, b2


def mlp(out_dir):
    """MatMul/Add/Relu/MatMul/Add, 16 -> 32 -> 8, static batch 1."""
    w1, b1, w2, b2 = mlp_graph(out_dir, "mlp", 1)
    x = mlp_input(1)
    y = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    write_case(out_dir, "mlp", "x", x, "y", y)


def mlp_dynamic(out_dir):
    """The MLP with a dynamic batch dimension "N"; reference at batch 3."""
    w1, b1, w2, b2 = mlp_graph(out_dir, "mlp_dynamic", "N")
    x = mlp_input(3)
    y = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    write_case(out_dir, "mlp_dynamic", "x", x, "y", y)


# -- CNN ---------------------------------------------------------------------

def conv2d(x, w, b, pad):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    out = np.zeros((n, m, oh, ow), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + oh, j:j + ow]  # n, c, oh, ow
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return out + b.reshape(1, m, 1, 1)


def cnn(out_dir):
    """Conv(3->8, 3x3, pad 1)/BatchNorm/Relu/MaxPool(2)/Flatten/Gemm(512->10)
    on a 1x3x16x16 input."""
    rng = np.random.default_rng(7)
    cw, cb = rand(rng, [8, 3, 3, 3], 0.3), rand(rng, [8], 0.1)
    scale = (1 + 0.2 * rng.standard_normal(8)).astype(F32)
    bias = rand(rng, [8], 0.1)
    mean = rand(rng, [8], 0.1)
    var = (0.5 + rng.random(8)).astype(F32)
    gw, gb = rand(rng, [10, 512], 0.05), rand(rng, [10], 0.1)
    nodes = [
        helper.make_node("Conv", ["x", "cw", "cb"], ["c"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c", "scale", "bias", "mean", "var"], ["bn"],
                         name="bn", epsilon=1e-5),
        helper.make_node("Relu", ["bn"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "gw", "gb"], ["y"], name="fc",
                         transB=1),
    ]
    save(out_dir, "cnn", nodes,
         [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                        [1, 3, 16, 16])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
         [init("cw", cw), init("cb", cb), init("scale", scale),
          init("bias", bias), init("mean", mean), init("var", var),
          init("gw", gw), init("gb", gb)])
    x = rand(rng, [1, 3, 16, 16], 1.0)
    c = conv2d(x.astype(np.float64), cw.astype(np.float64), cb, 1)
    s = scale.reshape(1, 8, 1, 1)
    bn = (c - mean.reshape(1, 8, 1, 1)) / np.sqrt(var.reshape(1, 8, 1, 1)
                                                  + 1e-5) * s
    bn += bias.reshape(1, 8, 1, 1)
    r = np.maximum(bn, 0)
    p = r.reshape(1, 8, 8, 2, 8, 2).max(axis=(3, 5))
    y = p.reshape(1, 512) @ gw.T.astype(np.float64) + gb
    write_case(out_dir, "cnn", "x", x, "y", y)


# -- Transformer block -------------------------------------------------------

def transformer(out_dir, name="transformer", ln_broadcast=False):
    """Single-head self-attention + residual + LayerNorm (from ReduceMean,
    Sub, Mul, Add, Sqrt, Div primitives) + a ReLU feed-forward + residual, on
    a 1x8x16 input.

    As exported (ln_broadcast=False) gamma and beta are 1-D [16] and
    broadcast over the last axis; with ln_broadcast=True they are stored
    pre-broadcast as [8, 16] (same values, same outputs), which exercises a
    second form of the same graph."""
    rng = np.random.default_rng(11)
    s, d, f = 8, 16, 32
    wq, wk, wv, wo = (rand(rng, [d, d], 0.3) for _ in range(4))
    gamma = (1 + 0.1 * rng.standard_normal(d)).astype(F32)
    beta = rand(rng, [d], 0.1)
    ln_shape = [s, d] if ln_broadcast else [d]
    w1, b1 = rand(rng, [d, f], 0.3), rand(rng, [f], 0.1)
    w2, b2 = rand(rng, [f, d], 0.3), rand(rng, [d], 0.1)
    mk = helper.make_node
    nodes = [
        mk("MatMul", ["x", "wq"], ["q"], name="q"),
        mk("MatMul", ["x", "wk"], ["k"], name="k"),
        mk("MatMul", ["x", "wv"], ["v"], name="v"),
        mk("Transpose", ["k"], ["kt"], name="kt", perm=[0, 2, 1]),
        mk("MatMul", ["q", "kt"], ["sc0"], name="scores"),
        mk("Mul", ["sc0", "inv_sqrt_d"], ["sc"], name="scale"),
        mk("Softmax", ["sc"], ["p"], name="softmax", axis=-1),
        mk("MatMul", ["p", "v"], ["ctx"], name="context"),
        mk("MatMul", ["ctx", "wo"], ["o"], name="proj"),
        mk("Add", ["o", "x"], ["h"], name="residual1"),
        mk("ReduceMean", ["h"], ["mu"], name="ln_mean", axes=[-1],
           keepdims=1),
        mk("Sub", ["h", "mu"], ["dev"], name="ln_sub"),
        mk("Mul", ["dev", "dev"], ["sq"], name="ln_sq"),
        mk("ReduceMean", ["sq"], ["var"], name="ln_var", axes=[-1],
           keepdims=1),
        mk("Add", ["var", "eps"], ["ve"], name="ln_eps"),
        mk("Sqrt", ["ve"], ["sd"], name="ln_sqrt"),
        mk("Div", ["dev", "sd"], ["nrm"], name="ln_div"),
        mk("Mul", ["nrm", "gamma"], ["g"], name="ln_gamma"),
        mk("Add", ["g", "beta"], ["ln"], name="ln_beta"),
        mk("MatMul", ["ln", "w1"], ["f0"], name="ff1"),
        mk("Add", ["f0", "b1"], ["f1"], name="ff1_bias"),
        mk("Relu", ["f1"], ["f2"], name="ff_relu"),
        mk("MatMul", ["f2", "w2"], ["f3"], name="ff2"),
        mk("Add", ["f3", "b2"], ["f4"], name="ff2_bias"),
        mk("Add", ["f4", "ln"], ["y"], name="residual2"),
    ]
    inits = [init("wq", wq), init("wk", wk), init("wv", wv), init("wo", wo),
             init("inv_sqrt_d", np.array(d ** -0.5, F32)),
             init("eps", np.array(1e-5, F32)),
             init("gamma", np.broadcast_to(gamma, ln_shape)),
             init("beta", np.broadcast_to(beta, ln_shape)),
             init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2)]
    save(out_dir, name, nodes,
         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, s, d])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, s, d])],
         inits)
    x = rand(rng, [1, s, d], 1.0)
    X = x.astype(np.float64)
    q, k, v = X @ wq, X @ wk, X @ wv
    sc = q @ k.transpose(0, 2, 1) * d ** -0.5
    e = np.exp(sc - sc.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    h = (p @ v) @ wo + X
    mu = h.mean(axis=-1, keepdims=True)
    var = ((h - mu) ** 2).mean(axis=-1, keepdims=True)
    ln = (h - mu) / np.sqrt(var + 1e-5) * gamma + beta
    y = np.maximum(ln @ w1 + b1, 0) @ w2 + b2 + ln
    write_case(out_dir, name, "x", x, "y", y)


def transformer_bcast(out_dir):
    transformer(out_dir, "transformer_bcast", ln_broadcast=True)


def clip11(out_dir):
    """Opset 11 Clip whose min and max are tensor inputs (here initializers),
    as PyTorch exports ReLU6/hardtanh since opset 11."""
    nodes = [helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="clip")]
    save(out_dir, "clip11", nodes,
         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
         [init("lo", np.array(0.0, F32)), init("hi", np.array(6.0, F32))],
         opset=11)
    x = (np.arange(8, dtype=F32) * 1.7 - 3.0).reshape(1, 8)
    write_case(out_dir, "clip11", "x", x, "y", np.clip(x, 0.0, 6.0))


# -- A model ONNX Runtime refuses ----------------------------------------------

def custom_op(out_dir):
    """x -> Relu -> Frobnicate (domain com.example, which no runtime
    implements) -> y. The analysis costs the Relu and lists the custom node
    as unresolved; ONNX Runtime refuses the model at load."""
    nodes = [helper.make_node("Relu", ["x"], ["h"], name="relu"),
             helper.make_node("Frobnicate", ["h"], ["y"], name="frob",
                              domain="com.example")]
    graph = helper.make_graph(
        nodes, "custom_op",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13),
                              helper.make_opsetid("com.example", 1)],
        producer_name="joule make_reference_models.py")
    with open(os.path.join(out_dir, "custom_op.onnx"), "wb") as f:
        f.write(model.SerializeToString())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_reference_models.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    # custom_op last: tests take its presence to mean the set is complete.
    for make in (mlp, mlp_dynamic, cnn, transformer, transformer_bcast,
                 clip11, custom_op):
        make(out_dir)


if __name__ == "__main__":
    main()
