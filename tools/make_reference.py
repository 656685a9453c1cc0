#!/usr/bin/env python3
"""Generate the GruTiny reference models and reference outputs.

Usage::

    /usr/bin/python3 tools/make_reference.py [--out DIR] [--check-only]

Writes into ``tests/GruTiny.ReferenceModels/Models/`` (or ``--out``), for every case:

* ``<name>.gru.json`` -- the model in format ``grutiny/1`` (written with
  ``tools/grutiny_export.py``);
* ``<name>.ref.json`` -- ``{"model", "steps", "inputs", "outputs",
  "final_state"}``: ``steps`` = 60 standard-normal float32 input vectors, the
  model output after every step, and the concatenation of every gru layer's
  final hidden state (layer order);
* ``cases.json`` -- list of ``{"name", "description", "input_size",
  "output_size", "hidden_sizes", "linear_before_reset", "params"}``.
* ``embedding/`` -- token models whose first layer is ``embedding``
  (``EMBEDDING_CASES``: nn.Embedding -> nn.GRU -> optional nn.Linear +
  activation, exported with ``export(..., self_check=False)``):
  ``<name>.gru.json``, ``<name>.ref.json`` (same format; ``inputs`` are 60
  rows ``[t]`` of token ids drawn uniformly from 0..V-1 with
  ``numpy.random.default_rng(1000 + seed)``, written as JSON integers;
  ``outputs`` and ``final_state`` from the PyTorch modules in float32) and
  ``embedding_cases.json`` (same fields as ``cases.json``; ``input_size`` is
  the vocabulary size V, ``params`` includes the V x D embedding weights).
  Checked against the float64 numpy implementation within 1e-5.
* ``layered/`` -- layers in any order, normalisation and activation layers
  (see ``tools/layered_cases.py``).
* ``sequence/`` -- reverse and bidirectional GRUs, models that read whole
  sequences (see ``tools/sequence_cases.py``).
* ``onnx/`` -- the ONNX reference models, their ``.ref.json`` files and
  ``onnx_cases.json`` (see ``tools/onnx_cases.py``).
* ``normalized/`` -- models with ``input_normalization`` and / or
  ``output_normalization`` (``NORMALIZED_CASES``): ``<name>.gru.json``,
  ``<name>.ref.json`` (same format; ``inputs`` and ``outputs`` in raw units,
  ``final_state`` the gru states as usual) and ``normalized_cases.json``
  (same fields as ``cases.json``).  Raw inputs are ``mean + std * z``
  (float32) for standard-normal ``z`` where there is an input
  normalization.  Reference outputs: the PyTorch modules run on the float32
  normalised inputs ``(x - mean) / std``, their outputs mapped back with
  ``y * std + mean`` in float32, written with 9 significant digits; checked
  against the float64 numpy implementation (which normalises in float64)
  within 1e-5 relative.

Reference outputs:

* ``linear_before_reset: true`` models: the PyTorch modules themselves, in
  float32 with one thread (nn.GRU over the whole sequence, then each
  nn.Linear + activation on every step's output).  Written with 9
  significant digits (exact for float32).
* ``linear_before_reset: false`` models (PyTorch has no such GRU): a float64
  numpy implementation of the equations in ``docs/model-format.md``, using
  the float32 weights as stored in the model file.  Written with ``repr``.

Self-checks (the script fails if one does not hold):

* every stored weight reads back to exactly the float32 value PyTorch holds;
* for ``true`` models the float64 numpy implementation agrees with PyTorch
  within 1e-5 (this validates the implementation used for ``false``);
* the numpy implementation agrees with ONNX's own numpy GRU reference
  (``onnx.backend.test.case.node.gru.GRU_Helper``, gate order z, r, h) for
  both variants, if onnx is installed;
* every model validates against ``docs/model-format.schema.json`` if the
  ``jsonschema`` package is installed.

Everything is seeded; re-running produces identical files with the same
PyTorch version.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import grutiny_export as ge  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, "tests", "GruTiny.ReferenceModels", "Models")
SCHEMA = os.path.join(ROOT, "docs", "model-format.schema.json")
STEPS = 60
TORCH_VS_NUMPY_TOL = 1e-5

# --------------------------------------------------------------------------
# Cases
#   grus:  list of (hidden_size, num_layers, bias) -- one nn.GRU each
#   dense: list of (out_features, bias, activation); activation "identity"
#          means nn.Identity() (exported as "linear"), "linear" means no module
#   lbr:   linear_before_reset of every gru layer
#   scale: every weight and bias multiplied by this (exact in float32)
#   omit:  "bias_ih" or "bias_hh": that bias is zeroed and left out of the file
# --------------------------------------------------------------------------
CASES = [
    dict(name="tiny", seed=1, input_size=2, grus=[(3, 1, True)], dense=[(2, True, "tanh")],
         description="Smallest useful model (source snapshot test): gru 3, dense 2 tanh."),
    dict(name="in1_h5_gru_only", seed=2, input_size=1, grus=[(5, 1, True)], dense=[],
         description="Scalar input, gru 5, no dense layer: the output is the hidden state."),
    dict(name="in3_h13_softmax4", seed=3, input_size=3, grus=[(13, 1, True)],
         dense=[(4, True, "softmax")],
         description="gru 13, dense 4 softmax (classifier)."),
    dict(name="in7_h32_relu16_linear3", seed=4, input_size=7, grus=[(32, 1, True)],
         dense=[(16, True, "relu"), (3, True, "linear")],
         description="gru 32, two dense layers: 16 relu, 3 linear (no activation module)."),
    dict(name="in16_h64_sigmoid1", seed=5, input_size=16, grus=[(64, 1, True)],
         dense=[(1, True, "sigmoid")],
         description="gru 64, dense 1 sigmoid (binary detector)."),
    dict(name="in16_h128_identity8", seed=6, input_size=16, grus=[(128, 1, True)],
         dense=[(8, True, "identity")],
         description="gru 128, dense 8 linear (exported from nn.Identity)."),
    dict(name="in16_h5_relu4_sigmoid2", seed=7, input_size=16, grus=[(5, 1, True)],
         dense=[(4, True, "relu"), (2, True, "sigmoid")],
         description="Input wider than the state: gru 5, dense 4 relu, dense 2 sigmoid."),
    dict(name="stacked2_in3_h32x2_tanh5", seed=8, input_size=3, grus=[(32, 2, True)],
         dense=[(5, True, "tanh")],
         description="One nn.GRU(num_layers=2), hidden 32+32, dense 5 tanh."),
    dict(name="stacked3_in3_h13_h32_h5", seed=9, input_size=3,
         grus=[(13, 1, True), (32, 1, True), (5, 1, True)], dense=[],
         description="Three nn.GRU modules 13 -> 32 -> 5, no dense layer."),
    dict(name="stacked2_in16_h128_h64_softmax10", seed=10, input_size=16,
         grus=[(128, 1, True), (64, 1, True)], dense=[(10, True, "softmax")],
         description="Largest case (~94k parameters): gru 128 -> gru 64, dense 10 softmax."),
    dict(name="nobias_in7_h13_softmax3", seed=11, input_size=7, grus=[(13, 1, False)],
         dense=[(3, False, "softmax")],
         description="nn.GRU(bias=False) and nn.Linear(bias=False): no bias keys at all."),
    dict(name="nobias_gru_in1_h32_sigmoid2", seed=12, input_size=1, grus=[(32, 1, False)],
         dense=[(2, True, "sigmoid")],
         description="GRU without biases, dense 2 sigmoid with bias."),
    dict(name="stacked2_nobias_in7_h13x2", seed=13, input_size=7, grus=[(13, 2, False)],
         dense=[],
         description="nn.GRU(num_layers=2, bias=False), hidden 13+13, no dense layer."),
    dict(name="bias_hh_only_in3_h64_tanh6", seed=14, input_size=3, grus=[(64, 1, True)],
         dense=[(6, False, "tanh")], omit="bias_ih",
         description="gru 64 with bias_hh only (bias_ih absent = zero), dense 6 tanh "
                     "without bias."),
    dict(name="saturated_in16_h13_softmax3", seed=15, input_size=16, grus=[(13, 1, True)],
         dense=[(3, True, "softmax")], scale=4.0,
         description="All weights and biases x4 so the gates saturate (about 20% of r/z "
                     "pre-activations beyond +-4); gru 13, dense 3 softmax."),
    dict(name="cho_in3_h5_nobias", seed=16, input_size=3, grus=[(5, 1, False)], dense=[],
         lbr=False,
         description="linear_before_reset false, gru 5 without biases, no dense layer."),
    dict(name="cho_in7_h13_relu8_softmax3", seed=17, input_size=7, grus=[(13, 1, True)],
         dense=[(8, True, "relu"), (3, True, "softmax")], lbr=False,
         description="linear_before_reset false, gru 13, dense 8 relu, dense 3 softmax."),
    dict(name="cho_stacked2_in1_h13_h5_sigmoid1", seed=18, input_size=1,
         grus=[(13, 1, True), (5, 1, True)], dense=[(1, True, "sigmoid")], lbr=False,
         description="linear_before_reset false, gru 13 -> gru 5, dense 1 sigmoid."),
    dict(name="cho_in16_h64_tanh4", seed=19, input_size=16, grus=[(64, 1, True)],
         dense=[(4, True, "tanh")], lbr=False,
         description="linear_before_reset false, gru 64, dense 4 tanh."),
    dict(name="cho_bias_hh_only_in3_h13_linear2", seed=20, input_size=3, grus=[(13, 1, True)],
         dense=[(2, True, "linear")], lbr=False, omit="bias_ih",
         description="linear_before_reset false, gru 13 with bias_hh only, dense 2 linear."),
]

# Normalized cases (written into <out>/normalized/).  Same keys as CASES plus
#   input_norm / output_norm: (mean, std) lists stored in the model file
NORMALIZED_DIR = "normalized"
NORMALIZED_CASES = [
    dict(name="norm_in_out_in2_h8_linear1", seed=21, input_size=2, grus=[(8, 1, True)],
         dense=[(1, True, "linear")],
         input_norm=([350.25, -3.1], [19.6, 0.47]), output_norm=([380.0], [15.0]),
         description="input_normalization (mean ~[350, -3], std ~[20, 0.5]; raw inputs drawn "
                     "around those values) and output_normalization (mean 380, std 15); "
                     "gru 8, dense 1 linear (regression in raw units)."),
    dict(name="norm_in_only_in3_h5_softmax3", seed=22, input_size=3, grus=[(5, 1, True)],
         dense=[(3, True, "softmax")],
         input_norm=([12.5, -0.75, 1013.25], [4.2, 0.125, 7.3]),
         description="input_normalization only (mean [12.5, -0.75, 1013.25], std [4.2, 0.125, "
                     "7.3]); gru 5, dense 3 softmax."),
    dict(name="norm_out_only_in1_h13_h5_tanh2", seed=23, input_size=1,
         grus=[(13, 1, True), (5, 1, True)], dense=[(2, True, "tanh")],
         output_norm=([5.5, -120.0], [2.3, 31.7]),
         description="output_normalization only (mean [5.5, -120], std [2.3, 31.7]); "
                     "gru 13 -> gru 5, dense 2 tanh; standard-normal inputs."),
]
NORMALIZED_TOL = 1e-5  # relative, PyTorch float32 vs numpy float64

# Embedding (token) cases (written into <out>/embedding/).  Same keys as CASES plus
#   vocab, dim: nn.Embedding(vocab, dim) in front of the first GRU; input_size is vocab
EMBEDDING_DIR = "embedding"
EMBEDDING_CASES = [
    dict(name="emb_v12_d4_h8_softmax12", seed=31, vocab=12, dim=4, grus=[(8, 1, True)],
         dense=[(12, True, "softmax")],
         description="Embedding(12, 4) -> gru 8 -> dense 12 softmax (next-token classifier)."),
    dict(name="emb_v30_d7_h16x2_linear5", seed=39, vocab=30, dim=7, grus=[(16, 2, True)],
         dense=[(5, True, "linear")],
         description="Embedding(30, 7) -> nn.GRU(num_layers=2) 16+16 -> dense 5 linear "
                     "(no activation module)."),
    dict(name="emb_v5_d1_h3", seed=40, vocab=5, dim=1, grus=[(3, 1, True)], dense=[],
         description="Embedding(5, 1) -> gru 3, no dense layer: the output is the hidden state."),
]
EMBEDDING_TOL = 1e-5  # relative, PyTorch float32 vs numpy float64

_ACT_MODULE = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
               "softmax": lambda: nn.Softmax(dim=-1), "identity": nn.Identity}


# --------------------------------------------------------------------------
# float64 numpy implementation of the grutiny/1 equations
# --------------------------------------------------------------------------

def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _activation(name, y):
    if name == "linear":
        return y
    if name == "relu":
        return np.maximum(y, 0.0)
    if name == "sigmoid":
        return _sigmoid(y)
    if name == "tanh":
        return np.tanh(y)
    if name == "softmax":
        e = np.exp(y - np.max(y))
        return e / np.sum(e)
    raise ValueError(name)


def _f64(values):
    """JSON numbers -> float32 (as the compiler reads them) -> float64."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def numpy_run(model_dict, inputs):
    """Run a grutiny/1 model dict in float64 (including input_normalization
    and output_normalization, if present).  Returns (outputs [T][out],
    final_state [sum H])."""
    xs = np.asarray(inputs, dtype=np.float64)
    if "input_normalization" in model_dict:
        norm = model_dict["input_normalization"]
        xs = (xs - _f64(norm["mean"])) / _f64(norm["std"])
    finals = []
    for layer in model_dict["layers"]:
        if layer["type"] == "embedding":  # token ids [T][1] -> rows of weight [T][D]
            ids = np.asarray(inputs)[:, 0]
            assert np.all(ids == np.round(ids)), "token ids must be whole numbers"
            xs = _f64(layer["weight"])[ids.astype(np.int64)]
        elif layer["type"] == "gru":
            H = layer["hidden_size"]
            w_ih, w_hh = _f64(layer["weight_ih"]), _f64(layer["weight_hh"])
            b_ih = _f64(layer["bias_ih"]) if "bias_ih" in layer else np.zeros(3 * H)
            b_hh = _f64(layer["bias_hh"]) if "bias_hh" in layer else np.zeros(3 * H)
            lbr = layer["linear_before_reset"]
            h = np.zeros(H)
            out = np.empty((xs.shape[0], H))
            for t, x in enumerate(xs):
                gi = w_ih @ x + b_ih
                r = _sigmoid(gi[:H] + w_hh[:H] @ h + b_hh[:H])
                z = _sigmoid(gi[H:2 * H] + w_hh[H:2 * H] @ h + b_hh[H:2 * H])
                if lbr:
                    n = np.tanh(gi[2 * H:] + r * (w_hh[2 * H:] @ h + b_hh[2 * H:]))
                else:
                    n = np.tanh(gi[2 * H:] + w_hh[2 * H:] @ (r * h) + b_hh[2 * H:])
                h = (1.0 - z) * n + z * h
                out[t] = h
            finals.append(h)
            xs = out
        else:
            w = _f64(layer["weight"])
            b = _f64(layer["bias"]) if "bias" in layer else np.zeros(w.shape[0])
            xs = np.stack([_activation(layer["activation"], w @ x + b) for x in xs])
    if "output_normalization" in model_dict:
        norm = model_dict["output_normalization"]
        xs = xs * _f64(norm["std"]) + _f64(norm["mean"])
    return xs, np.concatenate(finals)


def onnx_crosscheck(model_dict, inputs):
    """Run the gru layers with ONNX's numpy reference GRU (gate order z, r, h)
    and the dense layers with numpy; returns outputs or None if unavailable."""
    try:
        from onnx.backend.test.case.node.gru import GRU_Helper
    except Exception:
        return None
    xs = np.asarray(inputs, dtype=np.float64)
    for layer in model_dict["layers"]:
        if layer["type"] == "embedding":
            xs = _f64(layer["weight"])[np.asarray(inputs)[:, 0].astype(np.int64)]
        elif layer["type"] == "gru":
            H = layer["hidden_size"]

            def zrn(a):  # PyTorch r, z, n -> ONNX z, r, h
                return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])
            W = zrn(_f64(layer["weight_ih"]))[None]
            R = zrn(_f64(layer["weight_hh"]))[None]
            b_ih = _f64(layer["bias_ih"]) if "bias_ih" in layer else np.zeros(3 * H)
            b_hh = _f64(layer["bias_hh"]) if "bias_hh" in layer else np.zeros(3 * H)
            B = np.concatenate([zrn(b_ih), zrn(b_hh)])[None]
            helper = GRU_Helper(X=xs[:, None, :], W=W, R=R, B=B,
                                linear_before_reset=int(layer["linear_before_reset"]))
            Y, _ = helper.step()
            xs = Y[:, 0, 0, :]
        else:
            w = _f64(layer["weight"])
            b = _f64(layer["bias"]) if "bias" in layer else np.zeros(w.shape[0])
            xs = np.stack([_activation(layer["activation"], w @ x + b) for x in xs])
    return xs


# --------------------------------------------------------------------------
# Building and running one case
# --------------------------------------------------------------------------

def build_modules(case):
    torch.manual_seed(case["seed"])
    grus, dense = [], []
    size = case["input_size"]
    for hidden, num_layers, bias in case["grus"]:
        grus.append(nn.GRU(size, hidden, num_layers=num_layers, bias=bias, batch_first=True))
        size = hidden
    for out, bias, act in case["dense"]:
        lin = nn.Linear(size, out, bias=bias)
        act_mod = _ACT_MODULE[act]() if act in _ACT_MODULE else None
        dense.append((lin, act_mod))
        size = out
    with torch.no_grad():
        if case.get("scale", 1.0) != 1.0:
            for m in grus + [lin for lin, _ in dense]:
                for p in m.parameters():
                    p.mul_(case["scale"])
        if case.get("omit"):
            for g in grus:
                for k in range(g.num_layers):
                    getattr(g, f"{case['omit']}_l{k}").zero_()
    return grus, dense


def case_metadata(case):
    return {"generator": "tools/make_reference.py", "case": case["name"],
            "seed": case["seed"], "description": case["description"]}


def sequential(grus, dense, first=None):
    """nn.Sequential of [first] + the gru modules + each Linear and its activation."""
    modules = ([first] if first is not None else []) + list(grus)
    for lin, act in dense:
        modules.append(lin)
        if act is not None:
            modules.append(act)
    return nn.Sequential(*modules)


def export_case(case, grus, dense, path):
    metadata = case_metadata(case)
    lbr = case.get("lbr", True)
    if lbr and not case.get("omit"):
        # The normal path: the public export() API on the PyTorch modules.
        # self_check=False: the tests check these models against their own
        # .ref.json files (60 steps), and the files must stay byte-identical.
        return ge.export(sequential(grus, dense), path=path, metadata=metadata,
                         self_check=False)
    # linear_before_reset false or a partial bias: the lower-level helpers.
    layers = []
    for g in grus:
        for k in range(g.num_layers):
            b_ih = getattr(g, f"bias_ih_l{k}") if g.bias and case.get("omit") != "bias_ih" else None
            b_hh = getattr(g, f"bias_hh_l{k}") if g.bias and case.get("omit") != "bias_hh" else None
            layers.append(ge.gru_layer(getattr(g, f"weight_ih_l{k}"), getattr(g, f"weight_hh_l{k}"),
                                       b_ih, b_hh, linear_before_reset=lbr))
    for (lin, _), (_, _, act) in zip(dense, case["dense"]):
        layers.append(ge.dense_layer(lin.weight, lin.bias,
                                     "linear" if act == "identity" else act))
    m = ge.model(case["input_size"], layers, metadata)
    ge.write(m, path)
    return m


def torch_run(grus, dense, inputs, embedding=None):
    """``embedding``: an nn.Embedding applied to the [T][1] token ids first."""
    with torch.no_grad():
        if embedding is not None:
            x = embedding(torch.from_numpy(inputs[:, 0]).long())[None]  # (1, T, D)
        else:
            x = torch.from_numpy(inputs)[None]  # (1, T, in), batch_first
        finals = []
        for g in grus:
            x, h_n = g(x)
            finals.extend(h_n[k, 0] for k in range(g.num_layers))
        for lin, act in dense:
            x = lin(x)
            if act is not None:
                x = act(x)
        return x[0].numpy(), torch.cat(finals).numpy()


def count_params(model_dict):
    total = 0
    for layer in model_dict["layers"]:
        for key in ("weight_ih", "weight_hh", "weight"):
            if key in layer:
                total += len(layer[key]) * len(layer[key][0])
        for key in ("bias_ih", "bias_hh", "bias"):
            if key in layer:
                total += len(layer[key])
    return total


def check_roundtrip(grus, dense, model_dict, case, embedding=None):
    """Every stored number must read back to the exact float32 PyTorch holds."""
    layers = model_dict["layers"]
    i = 0
    if embedding is not None:
        assert layers[0]["type"] == "embedding", f"{case['name']}: first layer"
        got = np.asarray(layers[0]["weight"], dtype=np.float32)
        assert np.array_equal(embedding.weight.detach().numpy(), got), \
            f"{case['name']}: embedding weight round trip"
        i = 1
    for g in grus:
        for k in range(g.num_layers):
            for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                if key in layers[i]:
                    want = getattr(g, f"{key}_l{k}").detach().numpy()
                    got = np.asarray(layers[i][key], dtype=np.float32)
                    assert np.array_equal(want, got), f"{case['name']}: {key} round trip"
            i += 1
    for lin, _ in dense:
        for key in ("weight", "bias"):
            if key in layers[i]:
                want = getattr(lin, key).detach().numpy()
                got = np.asarray(layers[i][key], dtype=np.float32)
                assert np.array_equal(want, got), f"{case['name']}: {key} round trip"
        i += 1


def _rows(name, rows):
    return json.dumps(name) + ":[\n" + ",\n".join(
        json.dumps(r, separators=(",", ":"), allow_nan=False) for r in rows) + "\n]"


def write_reference(path, model_file, inputs, outputs, final_state, outputs_f32,
                    token_inputs=False):
    """``token_inputs``: ``inputs`` are integer token ids, written as JSON integers."""
    fmt_out = (lambda v: float("%.9g" % v)) if outputs_f32 else (lambda v: float(v))
    if token_inputs:
        ins = [[int(v) for v in row] for row in inputs.tolist()]
    else:
        ins = [[float("%.9g" % v) for v in row] for row in inputs.tolist()]
    outs = [[fmt_out(v) for v in row] for row in outputs.tolist()]
    fin = [fmt_out(v) for v in final_state.tolist()]
    text = ("{\n" + json.dumps("model") + ":" + json.dumps(model_file) + ",\n"
            + json.dumps("steps") + ":" + str(len(ins)) + ",\n"
            + _rows("inputs", ins) + ",\n" + _rows("outputs", outs) + ",\n"
            + json.dumps("final_state") + ":" + json.dumps(fin, separators=(",", ":"))
            + "\n}\n")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_normalized_cases(out_dir, validator):
    """The NORMALIZED_CASES into <out_dir>/normalized/ (see the module
    docstring)."""
    norm_dir = os.path.join(out_dir, NORMALIZED_DIR)
    os.makedirs(norm_dir, exist_ok=True)
    index, summary = [], []
    for case in NORMALIZED_CASES:
        name = case["name"]
        grus, dense = build_modules(case)
        model_file = f"{name}.gru.json"
        model_path = os.path.join(norm_dir, model_file)
        # self_check=False: the tests check these models against their .ref.json files.
        ge.export(sequential(grus, dense), path=model_path, metadata=case_metadata(case), self_check=False,
                  input_normalization=case.get("input_norm"),
                  output_normalization=case.get("output_norm"))
        with open(model_path, encoding="utf-8") as f:
            m = json.load(f)
        check_roundtrip(grus, dense, m, case)
        for key, want in (("input_normalization", case.get("input_norm")),
                          ("output_normalization", case.get("output_norm"))):
            if want is None:
                assert key not in m, f"{name}: unexpected {key}"
                continue
            for part, values in zip(("mean", "std"), want):
                got = np.asarray(m[key][part], dtype=np.float32)
                assert np.array_equal(got, np.asarray(values, dtype=np.float32)), \
                    f"{name}: {key}.{part} round trip"
        if validator is not None:
            errors = sorted(validator.iter_errors(m), key=lambda e: list(e.path))
            assert not errors, f"{name}: schema: {errors[0].message}"
        params = count_params(m)

        rng = np.random.default_rng(1000 + case["seed"])
        z = rng.standard_normal((STEPS, case["input_size"]), dtype=np.float32)
        if "input_normalization" in m:
            in_mean = np.asarray(m["input_normalization"]["mean"], dtype=np.float32)
            in_std = np.asarray(m["input_normalization"]["std"], dtype=np.float32)
            inputs = (in_mean + in_std * z).astype(np.float32)          # raw units
            normalized = ((inputs - in_mean) / in_std).astype(np.float32)
        else:
            inputs = normalized = z
        outputs, final_state = torch_run(grus, dense, normalized)
        if "output_normalization" in m:
            out_mean = np.asarray(m["output_normalization"]["mean"], dtype=np.float32)
            out_std = np.asarray(m["output_normalization"]["std"], dtype=np.float32)
            outputs = ((outputs * out_std).astype(np.float32) + out_mean).astype(np.float32)
        np_out, np_final = numpy_run(m, inputs)
        rel = max(float(np.max(np.abs(outputs - np_out) / np.maximum(np.abs(np_out), 1.0))),
                  float(np.max(np.abs(final_state - np_final) / np.maximum(np.abs(np_final), 1.0))))
        assert rel < NORMALIZED_TOL, f"{name}: numpy vs PyTorch differ by {rel} (relative)"
        write_reference(os.path.join(norm_dir, f"{name}.ref.json"), model_file,
                        inputs, outputs, final_state, outputs_f32=True)

        hidden = [l["hidden_size"] for l in m["layers"] if l["type"] == "gru"]
        index.append({"name": name, "description": case["description"],
                      "input_size": case["input_size"], "output_size": int(outputs.shape[1]),
                      "hidden_sizes": hidden, "linear_before_reset": True, "params": params})
        summary.append((name, "in" if "input_normalization" in m else "-",
                        "out" if "output_normalization" in m else "-", params,
                        f"rel|torch-np64|={rel:.1e}"))
    with open(os.path.join(norm_dir, "normalized_cases.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")
    for r in summary:
        print("  ".join(str(v) for v in r))
    print(f"{len(summary)} normalized cases in {norm_dir}")


def write_embedding_cases(out_dir, validator):
    """The EMBEDDING_CASES into <out_dir>/embedding/ (see the module docstring)."""
    emb_dir = os.path.join(out_dir, EMBEDDING_DIR)
    os.makedirs(emb_dir, exist_ok=True)
    index, summary = [], []
    for case in EMBEDDING_CASES:
        name = case["name"]
        torch.manual_seed(case["seed"])
        embedding = nn.Embedding(case["vocab"], case["dim"])
        grus, dense = build_modules(dict(case, input_size=case["dim"], seed=case["seed"] + 100))
        model_file = f"{name}.gru.json"
        model_path = os.path.join(emb_dir, model_file)
        # self_check=False: the tests check these models against their .ref.json files.
        ge.export(sequential(grus, dense, embedding), path=model_path, metadata=case_metadata(case),
                  self_check=False)
        with open(model_path, encoding="utf-8") as f:
            m = json.load(f)
        assert m["input_size"] == case["vocab"], f"{name}: input_size"
        check_roundtrip(grus, dense, m, case, embedding)
        if validator is not None:
            errors = sorted(validator.iter_errors(m), key=lambda e: list(e.path))
            assert not errors, f"{name}: schema: {errors[0].message}"
        params = count_params(m)

        rng = np.random.default_rng(1000 + case["seed"])
        inputs = rng.integers(0, case["vocab"], size=(STEPS, 1), dtype=np.int64)
        # The first and last rows of the embedding must be exercised (seeds chosen for that).
        assert 0 in inputs and case["vocab"] - 1 in inputs, f"{name}: token 0 or V-1 unused"
        outputs, final_state = torch_run(grus, dense, inputs, embedding)
        np_out, np_final = numpy_run(m, inputs)
        rel = max(float(np.max(np.abs(outputs - np_out) / np.maximum(np.abs(np_out), 1.0))),
                  float(np.max(np.abs(final_state - np_final) / np.maximum(np.abs(np_final), 1.0))))
        assert rel < EMBEDDING_TOL, f"{name}: numpy vs PyTorch differ by {rel} (relative)"
        onnx_out = onnx_crosscheck(m, inputs)
        check = f"rel|torch-np64|={rel:.1e}"
        if onnx_out is not None:
            d = float(np.max(np.abs(onnx_out - np_out)))
            assert d < 1e-12, f"{name}: numpy vs ONNX GRU_Helper differ by {d}"
            check += " onnx ok"
        write_reference(os.path.join(emb_dir, f"{name}.ref.json"), model_file,
                        inputs, outputs, final_state, outputs_f32=True, token_inputs=True)

        hidden = [l["hidden_size"] for l in m["layers"] if l["type"] == "gru"]
        index.append({"name": name, "description": case["description"],
                      "input_size": case["vocab"], "output_size": int(outputs.shape[1]),
                      "hidden_sizes": hidden, "linear_before_reset": True, "params": params})
        summary.append((name, f"V={case['vocab']} D={case['dim']}", "+".join(map(str, hidden)),
                        params, os.path.getsize(model_path),
                        os.path.getsize(os.path.join(emb_dir, f"{name}.ref.json")), check))
    with open(os.path.join(emb_dir, "embedding_cases.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")
    for r in summary:
        print("  ".join(str(v) for v in r))
    print(f"{len(summary)} embedding cases in {emb_dir}")


def load_validator():
    try:
        import jsonschema
    except ImportError:
        return None
    if not os.path.exists(SCHEMA):
        return None
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--check-only", action="store_true",
                        help="run all checks, write into a temporary folder")
    args = parser.parse_args(argv)
    out_dir = args.out
    if args.check_only:
        import tempfile
        out_dir = tempfile.mkdtemp(prefix="grutiny_ref_")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    validator = load_validator()
    if validator is None:
        print("note: jsonschema or the schema file is unavailable; schema validation skipped")

    assert len(CASES) <= 20 and len({c["name"] for c in CASES}) == len(CASES)
    summary, index = [], []
    for case in CASES:
        name = case["name"]
        lbr = case.get("lbr", True)
        grus, dense = build_modules(case)
        model_file = f"{name}.gru.json"
        model_path = os.path.join(out_dir, model_file)
        export_case(case, grus, dense, model_path)
        with open(model_path, encoding="utf-8") as f:
            m = json.load(f)  # read back what was written
        check_roundtrip(grus, dense, m, case)
        if validator is not None:
            errors = sorted(validator.iter_errors(m), key=lambda e: list(e.path))
            assert not errors, f"{name}: schema: {errors[0].message}"
        params = count_params(m)
        assert params <= 150_000, f"{name}: {params} parameters"

        rng = np.random.default_rng(1000 + case["seed"])
        inputs = rng.standard_normal((STEPS, case["input_size"]), dtype=np.float32)
        np_out, np_final = numpy_run(m, inputs)
        onnx_out = onnx_crosscheck(m, inputs)
        if onnx_out is not None:
            d = float(np.max(np.abs(onnx_out - np_out)))
            assert d < 1e-12, f"{name}: numpy vs ONNX GRU_Helper differ by {d}"
        if lbr:
            outputs, final_state = torch_run(grus, dense, inputs)
            d = max(float(np.max(np.abs(outputs - np_out))),
                    float(np.max(np.abs(final_state - np_final))))
            assert d < TORCH_VS_NUMPY_TOL, f"{name}: numpy vs PyTorch differ by {d}"
            reference, check = "pytorch-f32", f"|torch-np64|={d:.1e}"
        else:
            outputs, final_state = np_out, np_final
            reference = "numpy-f64"
            check = "onnx ok" if onnx_out is not None else "-"
        write_reference(os.path.join(out_dir, f"{name}.ref.json"), model_file,
                        inputs, outputs, final_state, outputs_f32=lbr)

        hidden = [l["hidden_size"] for l in m["layers"] if l["type"] == "gru"]
        denses = [f"{len(l['weight'])}:{l['activation']}" for l in m["layers"] if l["type"] == "dense"]
        out_size = len(outputs[0])
        index.append({"name": name, "description": case["description"],
                      "input_size": case["input_size"], "output_size": out_size,
                      "hidden_sizes": hidden, "linear_before_reset": lbr, "params": params})
        summary.append((name, case["input_size"], "+".join(map(str, hidden)), lbr,
                        ",".join(denses) or "-", params,
                        os.path.getsize(model_path),
                        os.path.getsize(os.path.join(out_dir, f"{name}.ref.json")),
                        reference, check))

    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")

    head = ("name", "in", "hidden", "lbr", "dense", "params", "model B", "ref B", "reference", "check")
    widths = [max(len(str(r[i])) for r in summary + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(str(v).ljust(w) if i in (0, 2, 4, 8, 9) else str(v).rjust(w)
                               for i, (v, w) in enumerate(zip(r, widths)))
    print(line(head))
    for r in summary:
        print(line(r))
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir)
                if os.path.isfile(os.path.join(out_dir, f)))
    print(f"{len(summary)} cases, {sum(r[5] for r in summary)} parameters, "
          f"{total / 1e6:.2f} MB in {out_dir}")

    # Models with input / output normalization into <out>/normalized/
    print()
    write_normalized_cases(out_dir, validator)

    # Token models with an embedding first layer into <out>/embedding/
    print()
    write_embedding_cases(out_dir, validator)

    # Layers in any order, normalisation and activation layers (tools/layered_cases.py)
    import layered_cases
    print()
    layered_cases.write_layered_cases(out_dir, validator, write_reference, case_metadata)

    # Models that read whole sequences: reverse and bidirectional GRUs (tools/sequence_cases.py)
    import sequence_cases
    print()
    sequence_cases.write_sequence_cases(out_dir, validator, write_reference, case_metadata)
    sequence_cases.write_onnx_sequence_cases(out_dir, write_reference)

    # ONNX reference models (tools/onnx_cases.py) into <out>/onnx/
    import onnx_cases
    print()
    onnx_cases.write_onnx_cases(out_dir, write_reference)
    return 0


if __name__ == "__main__":
    sys.exit(main())
