#!/usr/bin/env python3
"""Write the deliberately unsupported / invalid ONNX files for the GruTiny
importer diagnostic tests.

Usage::

    /usr/bin/python3 tools/make_onnx_bad.py [--out DIR]

Writes into ``tests/GruTiny.Tests/Onnx/Bad/`` (or ``--out``) one ``.onnx``
file per case plus ``bad_cases.json``: a list of ``{"file", "id",
"contains", "description"}`` -- ``id`` is the expected diagnostic and
``contains`` the substrings its message must contain.  Convention in
``contains``: node and tensor names in single quotes (``'gru'``,
``'gru.W'``), op types, attribute names, ONNX input names and data type
names unquoted.

Every model starts from the same valid graph (input size 2, hidden 3)::

    x [T,1,2] -> GRU 'gru' (layout 0, linear_before_reset 1, W 'gru.W',
                 R 'gru.R', B 'gru.B') -> Squeeze 'squeeze' (axes [1]) -> y [T,1,3]

and changes one thing.  ``onnx.checker.check_model`` is run on every file
except those marked ``check=False`` (deliberately invalid files).

Deterministic: re-running produces identical files.
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(ROOT, "tests", "GruTiny.Tests", "Onnx", "Bad")
IN, H, OPSET = 2, 3, 14
WN, RN, BN = "gru.W", "gru.R", "gru.B"


def weights(seed=7, dirs=1, in_size=IN, hidden=H, gates=3):
    rng = np.random.default_rng(seed)
    W = (rng.standard_normal((dirs, gates * hidden, in_size)) * 0.5).astype(np.float32)
    R = (rng.standard_normal((dirs, gates * hidden, hidden)) * 0.5).astype(np.float32)
    B = (rng.standard_normal((dirs, 2 * gates * hidden)) * 0.5).astype(np.float32)
    return W, R, B


def vi(name, dims, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, dims)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


class G:
    """A mutable description of the valid base graph."""

    def __init__(self):
        W, R, B = weights()
        self.inits = {WN: init(WN, W), RN: init(RN, R), BN: init(BN, B),
                      "sq_axes": init("sq_axes", np.array([1], dtype=np.int64))}
        self.gru_inputs = ["x", WN, RN, BN]
        self.gru_attrs = dict(hidden_size=H, linear_before_reset=1)
        self.gru_op, self.gru_domain, self.gru_name = "GRU", "", "gru"
        self.inputs = [vi("x", ["T", 1, IN])]
        self.outputs = [vi("y", ["T", 1, H])]
        self.tail = None      # list of nodes after the GRU (default: Squeeze -> y)
        self.opsets = [("", OPSET)]
        self.head = []        # nodes before the GRU
        self.tail_first = False  # write the tail before the GRU (not topologically sorted)

    def build(self, name):
        gru = helper.make_node(self.gru_op, self.gru_inputs, ["Y", "Y_h"], name=self.gru_name,
                               domain=self.gru_domain or None, **self.gru_attrs)
        tail = self.tail if self.tail is not None else [
            helper.make_node("Squeeze", ["Y", "sq_axes"], ["y"], name="squeeze")]
        nodes = self.head + (tail + [gru] if self.tail_first else [gru] + tail)
        graph = helper.make_graph(nodes, name, self.inputs, self.outputs,
                                  list(self.inits.values()))
        return helper.make_model(graph, producer_name="tools/make_onnx_bad.py",
                                 opset_imports=[helper.make_opsetid(d, v) for d, v in self.opsets])


def squeeze_to(out):
    return helper.make_node("Squeeze", ["Y", "sq_axes"], [out], name="squeeze")


CASES = []


def case(file, id_, contains, description, check=True):
    def deco(fn):
        CASES.append(dict(file=file, id=id_, contains=contains, description=description,
                          fn=fn, check=check))
        return fn
    return deco


# ---- GRUT032 unsupported attribute value ---------------------------------

@case("direction_sideways.onnx", "GRUT032", ["'gru'", "GRU", "direction", "sideways"],
      "GRU direction 'sideways' (ONNX knows forward, reverse and bidirectional).")
def _(g):
    g.gru_attrs["direction"] = "sideways"


@case("bidirectional_h_n_head.onnx", "GRUT034", ["'last_state'", "Gather", "final states of a reverse or bidirectional GRU"],
      "GRU direction 'bidirectional'; the output gathers the reverse direction's final state out of Y_h "
      "(h_n[-1]), which is no step's output.")
def _(g):
    W, R, B = weights(dirs=2)
    g.inits.update({WN: init(WN, W), RN: init(RN, R), BN: init(BN, B), "one": init("one", np.array(1, dtype=np.int64))})
    del g.inits["sq_axes"]
    g.gru_attrs["direction"] = "bidirectional"
    g.tail = [helper.make_node("Gather", ["Y_h", "one"], ["y"], name="last_state", axis=0)]
    g.outputs = [vi("y", [1, H])]


@case("clip_zero.onnx", "GRUT032", ["'gru'", "GRU", "clip", "greater than 0"],
      "GRU clip = 0 (a clip must be above 0).")
def _(g):
    g.gru_attrs["clip"] = 0.0


@case("activations_bidirectional_one_pair.onnx", "GRUT032", ["'gru'", "GRU", "activations", "for each of the two directions"],
      "GRU direction 'bidirectional' with activations [Sigmoid, Tanh] (one direction's; written before 'direction').")
def _(g):
    W, R, B = weights(dirs=2)
    g.inits.update({WN: init(WN, W), RN: init(RN, R), BN: init(BN, B),
                    "shape": init("shape", np.array([0, 0, 2 * H], dtype=np.int64))})
    del g.inits["sq_axes"]
    g.gru_attrs["direction"] = "bidirectional"
    g.gru_attrs["activations"] = ["Sigmoid", "Tanh"]
    g.tail = [helper.make_node("Transpose", ["Y"], ["Yt"], name="transpose", perm=[0, 2, 1, 3]),
              helper.make_node("Reshape", ["Yt", "shape"], ["y"], name="reshape")]
    g.outputs = [vi("y", ["T", 1, 2 * H])]


@case("activations_relu.onnx", "GRUT032", ["'gru'", "GRU", "activations"],
      "GRU activations ['Relu', 'Tanh'] (f = Relu instead of Sigmoid).")
def _(g):
    g.gru_attrs["activations"] = ["Relu", "Tanh"]


@case("activation_alpha.onnx", "GRUT032", ["'gru'", "GRU", "activation_alpha"],
      "GRU activation_alpha = [0.5] given (activations left at the default).")
def _(g):
    g.gru_attrs["activation_alpha"] = [0.5]


@case("linear_before_reset_2.onnx", "GRUT032", ["'gru'", "GRU", "linear_before_reset"],
      "GRU linear_before_reset = 2.")
def _(g):
    g.gru_attrs["linear_before_reset"] = 2


@case("softmax_time_axis.onnx", "GRUT032", ["'softmax'", "Softmax", "axis"],
      "Squeeze -> MatMul 'fc' [3,2] -> Softmax 'softmax' with axis 0 (over time on [T,B,O]).")
def _(g):
    rng = np.random.default_rng(11)
    g.inits["fc.W"] = init("fc.W", (rng.standard_normal((H, 2)) * 0.5).astype(np.float32))
    g.tail = [squeeze_to("Ys"),
              helper.make_node("MatMul", ["Ys", "fc.W"], ["logits"], name="fc"),
              helper.make_node("Softmax", ["logits"], ["y"], name="softmax", axis=0)]
    g.outputs = [vi("y", ["T", 1, 2])]


# ---- GRUT033 unsupported input ---------------------------------------------

@case("sequence_lens.onnx", "GRUT033", ["'gru'", "GRU", "sequence_lens"],
      "GRU sequence_lens given: int32 initializer 'seq_lens' = [60].")
def _(g):
    g.inits["seq_lens"] = init("seq_lens", np.array([60], dtype=np.int32))
    g.gru_inputs = ["x", WN, RN, BN, "seq_lens"]


@case("w_graph_input.onnx", "GRUT033", ["'gru'", "GRU", "W"],
      "GRU W is a graph input (non-constant weights), not an initializer.")
def _(g):
    del g.inits[WN]
    g.inputs.append(vi(WN, [1, 3 * H, IN]))


@case("initial_h_batch2.onnx", "GRUT033", ["'gru'", "GRU", "initial_h", "holds 2 initial states"],
      "GRU initial_h is an initializer [1,2,3]: one initial state per sequence of a batch of 2.")
def _(g):
    g.inits["h0"] = init("h0", np.array([[[0.25, -0.5, 1.0], [0.5, 0.5, 0.5]]], dtype=np.float32))
    g.gru_inputs = ["x", WN, RN, BN, "", "h0"]


@case("initial_h_graph_input.onnx", "GRUT033", ["'gru'", "GRU", "initial_h"],
      "GRU initial_h is a second graph input 'h0' [1,1,3].")
def _(g):
    g.inputs.append(vi("h0", [1, 1, H]))
    g.gru_inputs = ["x", WN, RN, BN, "", "h0"]


# ---- GRUT035 unsupported tensor --------------------------------------------

@case("w_external_data.onnx", "GRUT035", ["'gru.W'", "external"],
      "W stored as external data (data_location EXTERNAL, location 'w.bin'; the .bin file "
      "does not exist).", check=False)
def _(g):
    t = TensorProto()
    t.name = WN
    t.data_type = TensorProto.FLOAT
    t.dims.extend([1, 3 * H, IN])
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "w.bin"), ("offset", "0"), ("length", str(4 * 3 * H * IN))):
        e = t.external_data.add()
        e.key, e.value = k, v
    g.inits[WN] = t


@case("w_double.onnx", "GRUT035", ["'gru.W'", "DOUBLE"],
      "W stored as a DOUBLE tensor (the rest float).")
def _(g):
    W, _, _ = weights()
    g.inits[WN] = init(WN, W.astype(np.float64))


# ---- GRUT031 unsupported operator ------------------------------------------

@case("square_after_gru.onnx", "GRUT031", ["'square'", "Mul", "none of the functions"],
      "Squeeze -> Mul 'square' of the GRU output by itself -> y: arithmetic of the sequence with itself that "
      "is no function GruTiny reads.")
def _(g):
    g.tail = [squeeze_to("Ys"), helper.make_node("Mul", ["Ys", "Ys"], ["y"], name="square")]


@case("lstm.onnx", "GRUT031", ["'lstm'", "LSTM"],
      "An LSTM node 'lstm' (hidden 3) instead of the GRU.")
def _(g):
    W, R, B = weights(gates=4)
    g.inits.update({"lstm.W": init("lstm.W", W), "lstm.R": init("lstm.R", R),
                    "lstm.B": init("lstm.B", B)})
    for k in (WN, RN, BN):
        del g.inits[k]
    g.gru_op, g.gru_name = "LSTM", "lstm"
    g.gru_inputs = ["x", "lstm.W", "lstm.R", "lstm.B"]
    g.gru_attrs = dict(hidden_size=H)


@case("custom_domain.onnx", "GRUT031", ["MyGru", "com.example"],
      "A node 'mygru' of op MyGru in the custom domain com.example instead of the GRU.")
def _(g):
    g.gru_op, g.gru_domain, g.gru_name = "MyGru", "com.example", "mygru"
    g.opsets.append(("com.example", 1))


# ---- GRUT008 non-finite weight ---------------------------------------------

@case("w_nan.onnx", "GRUT008", ["'gru.W'"], "NaN in W (element [0, 4, 1]).")
def _(g):
    W, _, _ = weights()
    W[0, 4, 1] = np.nan
    g.inits[WN] = init(WN, W)


@case("b_inf.onnx", "GRUT008", ["'gru.B'"], "+Inf in B (element [0, 10]).")
def _(g):
    _, _, B = weights()
    B[0, 10] = np.inf
    g.inits[BN] = init(BN, B)


# ---- GRUT007 tensor shape --------------------------------------------------

@case("w_shape_mismatch.onnx", "GRUT007", ["'gru'", "W"],
      "W has shape [1,9,5] but the input size (x's last dimension) is 2.")
def _(g):
    W, _, _ = weights(in_size=5)
    g.inits[WN] = init(WN, W)


@case("hidden_size_mismatch.onnx", "GRUT007", ["'gru'", "hidden_size"],
      "GRU hidden_size attribute 4 while R is [1,9,3] (and W [1,9,2], B [1,18]).")
def _(g):
    g.gru_attrs["hidden_size"] = 4


# ---- GRUT034 graph not recognised ------------------------------------------

@case("two_inputs.onnx", "GRUT034", ["inputs"],
      "Two float graph inputs used by the graph: y = Squeeze(GRU(x)) + x2, x2 [T,1,3].")
def _(g):
    g.inputs.append(vi("x2", ["T", 1, H]))
    g.tail = [squeeze_to("Ys"), helper.make_node("Add", ["Ys", "x2"], ["y"], name="add")]


@case("constant_output.onnx", "GRUT034", ["'y'"],
      "The graph output 'y' is a Constant (zeros [1,1,3]) that does not depend on the input; "
      "the GRU and Squeeze are dead code.")
def _(g):
    g.tail = [squeeze_to("Ys"),
              helper.make_node("Constant", [], ["y"], name="const_y",
                               value=numpy_helper.from_array(np.zeros((1, 1, H), np.float32),
                                                             "const_y"))]
    g.outputs = [vi("y", [1, 1, H])]


# ---- GRUT013 layer sequence -------------------------------------------------

@case("constant_over_sequence.onnx", "GRUT031", ["'inv'", "Div", "none of the functions"],
      "Squeeze -> Div 'inv' of a constant by the GRU output -> y: a constant divided by the sequence.")
def _(g):
    g.inits["c"] = init("c", np.ones(H, dtype=np.float32))
    g.tail = [squeeze_to("Ys"), helper.make_node("Div", ["c", "Ys"], ["y"], name="inv")]


@case("divide_by_zero.onnx", "GRUT031", ["'div0'", "division by zero"],
      "Squeeze -> Div 'div0' of the GRU output by a constant 0.")
def _(g):
    g.inits["zero"] = init("zero", np.array(0.0, dtype=np.float32))
    g.tail = [squeeze_to("Ys"), helper.make_node("Div", ["Ys", "zero"], ["y"], name="div0")]


@case("no_gru.onnx", "GRUT034", ["no graph output", "GRU"],
      "x -> Relu 'relu' -> y: an activation layer on the input and no GRU at all.")
def _(g):
    g.tail = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    g.outputs = [vi("y", ["T", 1, IN])]
    g.gru_inputs = ["x", WN, RN, BN]


# ---- normalisation and activation layers -------------------------------------

@case("batchnorm_training.onnx", "GRUT032", ["'bn'", "training_mode", "eval"],
      "BatchNormalization 'bn' with training_mode 1 on the GRU's output.")
def _(g):
    for name, value in (("bn.scale", 1.0), ("bn.B", 0.0), ("bn.mean", 0.0), ("bn.var", 1.0)):
        g.inits[name] = init(name, np.full(H, value, dtype=np.float32))
    g.tail = [squeeze_to("Ys"),
              helper.make_node("Transpose", ["Ys"], ["Yt"], name="to_channels", perm=[1, 2, 0]),
              helper.make_node("BatchNormalization", ["Yt", "bn.scale", "bn.B", "bn.mean", "bn.var"],
                               ["Yb"], name="bn", training_mode=1),
              helper.make_node("Transpose", ["Yb"], ["y"], name="back", perm=[2, 0, 1])]


@case("batchnorm_time_axis.onnx", "GRUT034", ["'bn'", "axis 1", "features"],
      "BatchNormalization 'bn' straight on the [T, 1, 3] GRU output: axis 1 is the batch axis, not the features.")
def _(g):
    for name, value in (("bn.scale", 1.0), ("bn.B", 0.0), ("bn.mean", 0.0), ("bn.var", 1.0)):
        g.inits[name] = init(name, np.full(1, value, dtype=np.float32))
    g.tail = [squeeze_to("Ys"),
              helper.make_node("BatchNormalization", ["Ys", "bn.scale", "bn.B", "bn.mean", "bn.var"],
                               ["y"], name="bn")]


@case("layernorm_over_time.onnx", "GRUT032", ["'ln'", "axis", "features"],
      "LayerNormalization 'ln' with axis 0: it normalises over time, batch and features together.")
def _(g):
    g.inits["ln.scale"] = init("ln.scale", np.ones(H, dtype=np.float32))
    g.tail = [squeeze_to("Ys"), helper.make_node("LayerNormalization", ["Ys", "ln.scale"], ["y"], name="ln", axis=0)]
    g.opsets = [("", 17)]


@case("clip_min_above_max.onnx", "GRUT033", ["'clip'", "min", "max"],
      "Clip 'clip' with min 1 and max -1.")
def _(g):
    g.inits["lo"] = init("lo", np.array(1.0, dtype=np.float32))
    g.inits["hi"] = init("hi", np.array(-1.0, dtype=np.float32))
    g.tail = [squeeze_to("Ys"), helper.make_node("Clip", ["Ys", "lo", "hi"], ["y"], name="clip")]


@case("input_features_symbolic.onnx", "GRUT034", ["'relu_in'", "fixed size"],
      "x [T,1,F] with a symbolic feature size -> Relu 'relu_in' -> GRU: the input's features need a fixed size.")
def _(g):
    g.inputs = [vi("x", ["T", 1, "F"])]
    g.head = [helper.make_node("Relu", ["x"], ["xr"], name="relu_in")]
    g.gru_inputs = ["xr", WN, RN, BN]


@case("hn_cast_to_int.onnx", "GRUT034", ["'pick'", "stacked"],
      "Concat 'stack' of Y_h twice (an h_n) -> Cast 'to_int' to INT32 -> Gather 'pick' -1 -> Cast to FLOAT: "
      "the integer cast changes the states, so no layer's state may be taken out.")
def _(g):
    g.inits["last"] = init("last", np.array(-1, dtype=np.int64))
    g.tail = [helper.make_node("Concat", ["Y_h", "Y_h"], ["hn"], name="stack", axis=0),
              helper.make_node("Cast", ["hn"], ["hn_int"], name="to_int", to=TensorProto.INT32),
              helper.make_node("Gather", ["hn_int", "last"], ["h_int"], name="pick", axis=0),
              helper.make_node("Cast", ["h_int"], ["y"], name="to_float", to=TensorProto.FLOAT)]
    g.outputs = [vi("y", [1, H])]


@case("prelu_slope_shape.onnx", "GRUT007", ["'prelu'", "slope", "feature axis"],
      "PRelu 'prelu' with 2 slopes for 3 features.")
def _(g):
    g.inits["slope"] = init("slope", np.array([0.1, 0.2], dtype=np.float32))
    g.tail = [squeeze_to("Ys"), helper.make_node("PRelu", ["Ys", "slope"], ["y"], name="prelu")]


# ---- GRUT034 graph-level ----------------------------------------------------

@case("opset_9.onnx", "GRUT034", ["opset 9"],
      "The default-domain opset is 9 (GruTiny reads 11 to 22).", check=False)
def _(g):
    g.opsets = [("", 9)]


@case("unsorted_nodes.onnx", "GRUT034", ["'squeeze'", "topological"],
      "The Squeeze node is written before the GRU that produces its input.", check=False)
def _(g):
    g.tail_first = True


# ---- GRUT030 malformed file ------------------------------------------------

RAW_CASES = [
    dict(file="truncated.onnx", id="GRUT030", contains=[],
         description="The valid base model truncated to its first 100 bytes (not a "
                     "complete protobuf message)."),
    dict(file="not_protobuf.onnx", id="GRUT030", contains=[],
         description="Plain text, not an ONNX protobuf."),
]


# ---- Regressions: graphs a review showed were once compiled to something else -----------------
# Each is a whole graph of its own (not a change to the base graph); all pass onnx.checker.

def _gru_inits(rng, n_in, hidden):
    return [numpy_helper.from_array((rng.standard_normal((1, 3 * hidden, n_in)) * 0.5).astype(np.float32), "W"),
            numpy_helper.from_array((rng.standard_normal((1, 3 * hidden, hidden)) * 0.5).astype(np.float32), "R"),
            numpy_helper.from_array((rng.standard_normal((1, 6 * hidden)) * 0.5).astype(np.float32), "B")]


def _graph(name, nodes, inits, x_shape, outputs, opset=13):
    g = helper.make_graph(nodes, name, [vi("X", x_shape)], [vi(o, r) for o, r in outputs], inits)
    m = helper.make_model(g, producer_name="tools/make_onnx_bad.py", opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(m, full_check=True)
    return m


def _i64(name, v):
    return init(name, np.array(v, dtype=np.int64))


def regression_models():
    rng = np.random.default_rng(11)
    n = helper.make_node
    yield ("reshape_other_feature.onnx", "GRUT034", ["'reshape'", "Reshape"],
           "Reshape of a dense output [T,B,3] to [-1, (feature size 6 of the GRU output, from Shape)]: "
           "the softmax after it would mix time steps.",
           _graph("reshape_other_feature", [
               n("GRU", ["X", "W", "R", "B"], ["Y"], name="gru", hidden_size=6),
               n("Squeeze", ["Y", "ax1"], ["Ys"], name="squeeze"),
               n("Shape", ["Ys"], ["s"], name="shape"), n("Gather", ["s", "i2"], ["f"], name="gather"),
               n("MatMul", ["Ys", "W2"], ["d"], name="fc"), n("Concat", ["m1", "f"], ["shp"], name="concat", axis=0),
               n("Reshape", ["d", "shp"], ["r"], name="reshape"), n("Softmax", ["r"], ["out"], name="softmax", axis=-1)],
               _gru_inits(rng, 4, 6) + [_i64("ax1", [1]), _i64("i2", [2]), _i64("m1", [-1]),
                                        init("W2", (rng.standard_normal((6, 3)) * 0.5).astype(np.float32))],
               ["T", "B", 4], [("out", ["N", 6])]))
    yield ("cast_shape_to_bool.onnx", "GRUT032", ["'cast_bool'", "Cast", "to"],
           "A sequence length cast to BOOL and back (becomes 1) used as Slice ends.",
           _graph("cast_shape_to_bool", [
               n("GRU", ["X", "W", "R", "B"], ["Y"], name="gru", hidden_size=3),
               n("Shape", ["Y"], ["s"], name="shape"), n("Gather", ["s", "i0"], ["t"], name="gather"),
               n("Cast", ["t"], ["tb"], name="cast_bool", to=TensorProto.BOOL),
               n("Cast", ["tb"], ["te"], name="cast_back", to=TensorProto.INT64),
               n("Slice", ["Y", "z", "te", "z"], ["ys"], name="slice"),
               n("Gather", ["ys", "last"], ["out"], name="last_step", axis=0)],
               _gru_inits(rng, 4, 3) + [_i64("i0", [0]), _i64("z", [0]), _i64("last", -1)],
               [5, "B", 4], [("out", [1, "B", 3])]))
    yield ("cast_narrows_slice_end.onnx", "GRUT034", ["'slice'", "Slice", "time"],
           "Slice ends = Cast(2^32 + 1 -> INT32) = 1 on the time axis: the first step, not the whole axis.",
           _graph("cast_narrows_slice_end", [
               n("GRU", ["X", "W", "R", "B"], ["Y"], name="gru", hidden_size=3),
               n("Cast", ["big"], ["e32"], name="cast", to=TensorProto.INT32),
               n("Slice", ["Y", "z32", "e32", "z32"], ["ys"], name="slice"),
               n("Gather", ["ys", "last"], ["out"], name="last_step", axis=0)],
               _gru_inits(rng, 4, 3) + [_i64("big", [2 ** 32 + 1]), init("z32", np.array([0], dtype=np.int32)), _i64("last", -1)],
               ["T", "B", 4], [("out", [1, "B", 3])]))
    yield ("squeeze_without_axes.onnx", "GRUT033", ["'squeeze'", "Squeeze", "axes"],
           "Squeeze without axes over a symbolic time axis: with T = 1 at run time it would squeeze time too.",
           _graph("squeeze_without_axes", [
               n("GRU", ["X", "W", "R", "B"], ["Y"], name="gru", hidden_size=3),
               n("Squeeze", ["Y"], ["Ys"], name="squeeze"),
               n("Gather", ["Ys", "last"], ["out"], name="last_step", axis=0)],
               _gru_inits(rng, 4, 3) + [_i64("last", -1)], ["T", 1, 4], [("out", [3])]))
    yield ("zero_times_inf_state.onnx", "GRUT031", ["'times_inf'", "Mul"],
           "initial_h = ConstantOfShape(0) * inf: NaN at run time, not a zero state.",
           _graph("zero_times_inf_state", [
               n("ConstantOfShape", ["hs"], ["z0"], name="zeros", value=init("v", np.array([0], dtype=np.float32))),
               n("Mul", ["z0", "inf"], ["h0"], name="times_inf"),
               n("GRU", ["X", "W", "R", "B", "", "h0"], ["Y"], name="gru", hidden_size=3)],
               _gru_inits(rng, 4, 3) + [_i64("hs", [1, 1, 3]), init("inf", np.array([np.inf], dtype=np.float32))],
               ["T", 1, 4], [("Y", ["T", 1, 1, 3])]))
    yield ("tile_initial_state_wide.onnx", "GRUT034", ["'tile'", "Tile", "axis 2 of size 3"],
           "initial_h = Tile(h0 [1,1,3], [1, batch, 2]): a repeat along the hidden axis, not to the batch.",
           _graph("tile_initial_state_wide", [
               n("Shape", ["X"], ["xs"], name="shape"), n("Gather", ["xs", "i1"], ["b"], name="batch"),
               n("Concat", ["one", "b", "two"], ["reps"], name="repeats", axis=0),
               n("Tile", ["h0", "reps"], ["h"], name="tile"),
               n("GRU", ["X", "W", "R", "B", "", "h"], ["Y"], name="gru", hidden_size=3)],
               _gru_inits(rng, 4, 3) + [_i64("i1", [1]), _i64("one", [1]), _i64("two", [2]),
                                        init("h0", np.array([[[0.25, -0.5, 1.0]]], dtype=np.float32))],
               ["T", "B", 4], [("Y", ["T", 1, "B", 3])]))
    yield ("equal_on_sequence.onnx", "GRUT031", ["'equal'", "Equal", "shape"],
           "Equal of the GRU's output with a constant: comparisons are computed on shape integers only.",
           _graph("equal_on_sequence", [
               n("GRU", ["X", "W", "R", "B"], ["Y"], name="gru", hidden_size=3),
               n("Equal", ["Y", "zero"], ["eq"], name="equal"), n("Cast", ["eq"], ["out"], name="cast", to=1)],
               _gru_inits(rng, 4, 3) + [init("zero", np.array([0], dtype=np.float32))],
               ["T", 1, 4], [("out", ["T", 1, 1, 3])]))

    # A bidirectional GRU's outputs merged into the features other than PyTorch's way (directions outermost).
    def bidirectional(seed):
        r = np.random.default_rng(seed)
        return [numpy_helper.from_array((r.standard_normal((2, 9, 4)) * 0.5).astype(np.float32), "W"),
                numpy_helper.from_array((r.standard_normal((2, 9, 3)) * 0.5).astype(np.float32), "R"),
                numpy_helper.from_array((r.standard_normal((2, 18)) * 0.5).astype(np.float32), "B")]
    gru = n("GRU", ["X", "W", "R", "B"], ["Y"], name="gru", hidden_size=3, direction="bidirectional")
    yield ("bidirectional_interleaved_output.onnx", "GRUT034", ["'y'", "hidden units before the directions"],
           "Y [T,2,1,3] of a bidirectional GRU transposed to [T,1,3,2] and reshaped to [T,1,6] as the output: "
           "each unit's forward and reverse value side by side, not PyTorch's forward-then-reverse.",
           _graph("bidirectional_interleaved_output", [
               gru, n("Transpose", ["Y"], ["Yt"], name="transpose", perm=[0, 2, 3, 1]),
               n("Reshape", ["Yt", "shape"], ["y"], name="reshape")],
               bidirectional(21) + [_i64("shape", [0, 0, -1])], ["T", 1, 4], [("y", ["T", 1, 6])]))
    yield ("bidirectional_reshape_without_transpose.onnx", "GRUT034", ["'fc'", "MatMul"],
           "Y [T,2,B,3] of a bidirectional GRU reshaped to [T,2,3B] without the Transpose (batch and hidden "
           "units mixed), then MatMul: not along the features.",
           _graph("bidirectional_reshape_without_transpose", [
               gru, n("Reshape", ["Y", "shape"], ["Yr"], name="reshape"),
               n("MatMul", ["Yr", "fc.W"], ["y"], name="fc")],
               bidirectional(22) + [_i64("shape", [0, 0, -1]),
                                    init("fc.W", (np.ones((6, 2)) * 0.1).astype(np.float32))],
               ["T", "B", 4], [("y", ["T", 2, 2])]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    index = []
    for c in CASES:
        g = G()
        c["fn"](g)
        m = g.build(os.path.splitext(c["file"])[0])
        if c["check"]:
            onnx.checker.check_model(m)
        data = m.SerializeToString()
        with open(os.path.join(args.out, c["file"]), "wb") as f:
            f.write(data)
        index.append({k: c[k] for k in ("file", "id", "contains", "description")})

    for file, id_, contains, description, m in regression_models():
        with open(os.path.join(args.out, file), "wb") as f:
            f.write(m.SerializeToString())
        index.append(dict(file=file, id=id_, contains=contains, description=description))

    base = G().build("base")
    onnx.checker.check_model(base)
    raw = {"truncated.onnx": base.SerializeToString()[:100],
           "not_protobuf.onnx": b"this is not an ONNX model\n"}
    for c in RAW_CASES:
        try:  # make sure the parser really rejects it
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                onnx.load_from_string(raw[c["file"]])
        except Exception:  # noqa: BLE001
            pass
        else:
            raise AssertionError(f"{c['file']}: onnx parses it")
        with open(os.path.join(args.out, c["file"]), "wb") as f:
            f.write(raw[c["file"]])
        index.append(dict(c))

    with open(os.path.join(args.out, "bad_cases.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")
    for c in index:
        print(f"{c['id']}  {c['file']:<30} {c['contains']}")
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print(f"{len(index)} files, {total} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
