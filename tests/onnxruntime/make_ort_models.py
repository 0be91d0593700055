#!/usr/bin/python3
"""Writes the small ONNX models the ONNX Runtime tests need beyond the real
models of tests/reference_models/make_reference_models.py (whose numpy references the
session tests also use).

Usage: /usr/bin/python3 make_ort_models.py OUT_DIR

Writes OUT_DIR/NAME.onnx for:
  dtypes        one [2,3] input per joule dtype (f32, f16, i8, u8, i32, i64):
                T_id = Identity(T) for each, and T_f32 = Cast(T, float) for
                each but f32. The C++ test builds the inputs and knows the
                answers (exact values, float16 by bit pattern).
  bool_not      mask: bool [3] -> not_mask = Not(mask), bool [3]
  greater       x: float [3] -> positive = x > 0, bool [3]
  reshape       x: float [N], shape: int64 [2] -> y = Reshape(x, shape), [A,B]
                (a shape that does not fit x fails inside ORT's run)
  reshape_2x3   x: float [6], shape: int64 [2] -> y = Reshape(x, shape),
                declared [2,3] (static), which shape = [3,2] contradicts
  scalar        x: float [] -> y = x + 1, float []
  unknown_op    a node of an operator no opset has (ORT refuses the model)
  sequence_out  x: float [2] -> seq = SequenceConstruct(x, x)
  double_in     x: double [2] -> y = Cast(x, float)
double_in is written last: tests take its presence to mean the set is
complete.

Needs the Debian python3-onnx and python3-numpy (/usr/bin/python3).
"""

import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper

DTYPES = [("f32", TensorProto.FLOAT), ("f16", TensorProto.FLOAT16),
          ("i8", TensorProto.INT8), ("u8", TensorProto.UINT8),
          ("i32", TensorProto.INT32), ("i64", TensorProto.INT64)]


def save(out_dir, name, nodes, inputs, outputs, inits=(), check=True):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="joule make_ort_models.py")
    model.ir_version = 7
    if check:
        checker.check_model(model)
    with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def dtypes(out_dir):
    nodes, inputs, outputs = [], [], []
    for tag, elem in DTYPES:
        inputs.append(vi(tag, elem, [2, 3]))
        nodes.append(helper.make_node("Identity", [tag], [tag + "_id"]))
        outputs.append(vi(tag + "_id", elem, [2, 3]))
    for tag, elem in DTYPES[1:]:
        nodes.append(helper.make_node("Cast", [tag], [tag + "_f32"],
                                      to=TensorProto.FLOAT))
        outputs.append(vi(tag + "_f32", TensorProto.FLOAT, [2, 3]))
    save(out_dir, "dtypes", nodes, inputs, outputs)


def bool_not(out_dir):
    save(out_dir, "bool_not",
         [helper.make_node("Not", ["mask"], ["not_mask"])],
         [vi("mask", TensorProto.BOOL, [3])],
         [vi("not_mask", TensorProto.BOOL, [3])])


def greater(out_dir):
    zero = numpy_helper.from_array(np.zeros([1], np.float32), "zero")
    save(out_dir, "greater",
         [helper.make_node("Greater", ["x", "zero"], ["positive"])],
         [vi("x", TensorProto.FLOAT, [3])],
         [vi("positive", TensorProto.BOOL, [3])], [zero])


def reshape(out_dir):
    save(out_dir, "reshape",
         [helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [vi("x", TensorProto.FLOAT, ["N"]), vi("shape", TensorProto.INT64, [2])],
         [vi("y", TensorProto.FLOAT, ["A", "B"])])


def reshape_2x3(out_dir):
    save(out_dir, "reshape_2x3",
         [helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [vi("x", TensorProto.FLOAT, [6]), vi("shape", TensorProto.INT64, [2])],
         [vi("y", TensorProto.FLOAT, [2, 3])])


def scalar(out_dir):
    one = numpy_helper.from_array(np.array(1.0, np.float32), "one")
    save(out_dir, "scalar", [helper.make_node("Add", ["x", "one"], ["y"])],
         [vi("x", TensorProto.FLOAT, [])], [vi("y", TensorProto.FLOAT, [])],
         [one])


def unknown_op(out_dir):
    save(out_dir, "unknown_op",
         [helper.make_node("NoSuchOperator", ["x"], ["y"])],
         [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.FLOAT, [2])],
         check=False)


def sequence_out(out_dir):
    seq = helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, [2])
    save(out_dir, "sequence_out",
         [helper.make_node("SequenceConstruct", ["x", "x"], ["seq"])],
         [vi("x", TensorProto.FLOAT, [2])], [seq])


def double_in(out_dir):
    save(out_dir, "double_in",
         [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT)],
         [vi("x", TensorProto.DOUBLE, [2])], [vi("y", TensorProto.FLOAT, [2])])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_ort_models.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    # double_in last: tests take its presence to mean the set is complete.
    for make in (dtypes, bool_not, greater, reshape, reshape_2x3, scalar,
                 unknown_op, sequence_out, double_in):
        make(out_dir)


if __name__ == "__main__":
    main()
