#!/usr/bin/env python3
"""ONNX reference models for the GruTiny ONNX importer tests.

Called from ``tools/make_reference.py`` (``write_onnx_cases(out_dir, write_reference)``);
writes into ``<Models>/onnx/``:

* ``<name>.onnx`` -- the model;
* ``<name>.ref.json`` -- same format as the ``grutiny/1`` cases (``"model"`` is
  the ``.onnx`` file name);
* ``onnx_cases.json`` -- one object per line: ``name, description, kind
  ("torch" | "onnx-node" | "variant"), same_as, input_size, output_size,
  hidden_sizes, linear_before_reset, opset, params, outputs_final_only``.

Kinds:

* ``torch``: ``torch.onnx.export`` of a small PyTorch module.  Reference =
  the PyTorch module itself (float32, one thread; written with ``%.9g``).
  ``final_state`` = ``h_n`` in layer order.
* ``onnx-node``: graphs built with ``onnx.helper`` (ONNX gate order z, r, h).
  Reference = a float64 numpy implementation of the ONNX GRU equations on the
  float32 weights (cross-checked against
  ``onnx.backend.test.case.node.gru.GRU_Helper``); written with ``repr``.
* ``variant``: hand rewrites of the exported ``onnx_base`` graph that compute
  exactly the same function (``same_as`` = ``onnx_base``); reference data
  identical to the base's.
* Layers in any order, normalisations, the other activations and opset 22:
  see ``tools/onnx_layered_cases.py`` (not run through the numpy interpreter
  below, whose operators are the GRU cases').

Self-checks: ``onnx.checker.check_model`` on every file; the GRU / Linear
weights found in each exported file equal the PyTorch parameters bitwise; every
file is also evaluated by a small numpy ONNX interpreter (float64, below) and
must reproduce its reference (torch cases within 1e-5, the others within
1e-12).

Everything is seeded; re-running produces identical files with the same
PyTorch / onnx versions.
"""

import io
import json
import os
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

STEPS = 60
SUBDIR = "onnx"
TORCH_TOL = 1e-5
EXACT_TOL = 1e-12
NODE_OPSET = 14


# --------------------------------------------------------------------------
# float64 numpy implementation of the ONNX GRU (one direction, layout 0)
# --------------------------------------------------------------------------

def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def onnx_gru(X, W, R, B=None, initial_h=None, linear_before_reset=0, clip=None):
    """X [T, batch, in]; W [1, 3H, in]; R [1, 3H, H]; B [1, 6H] or None;
    initial_h [1, batch, H] or None; clip: ONNX's clip (every activation's
    input clamped to [-clip, clip]) or None.  Gate blocks z, r, h.  Everything
    is converted to float64.  Returns (Y [T, 1, batch, H], Y_h [1, batch, H])."""
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)[0]
    R = np.asarray(R, dtype=np.float64)[0]
    H = R.shape[-1]
    Bv = np.zeros(6 * H) if B is None else np.asarray(B, dtype=np.float64)[0]
    Wz, Wr, Wh = W[:H], W[H:2 * H], W[2 * H:]
    Rz, Rr, Rh = R[:H], R[H:2 * H], R[2 * H:]
    Wbz, Wbr, Wbh, Rbz, Rbr, Rbh = (Bv[k * H:(k + 1) * H] for k in range(6))
    h = (np.zeros((X.shape[1], H)) if initial_h is None
         else np.asarray(initial_h, dtype=np.float64)[0])

    def clamp(v):
        return v if clip is None else np.minimum(np.maximum(v, -float(clip)), float(clip))

    Y = np.empty((X.shape[0], 1, X.shape[1], H))
    for t in range(X.shape[0]):
        x = X[t]
        z = _sigmoid(clamp(x @ Wz.T + h @ Rz.T + Wbz + Rbz))
        r = _sigmoid(clamp(x @ Wr.T + h @ Rr.T + Wbr + Rbr))
        if linear_before_reset:
            n = np.tanh(clamp(x @ Wh.T + r * (h @ Rh.T + Rbh) + Wbh))
        else:
            n = np.tanh(clamp(x @ Wh.T + (r * h) @ Rh.T + Rbh + Wbh))
        h = (1.0 - z) * n + z * h
        Y[t, 0] = h
    return Y, h[None]


def gru_helper_crosscheck(X, W, R, B, initial_h, lbr, Y):
    """Compare with onnx's GRU_Helper (layout-0 data only: its layout-1 path
    reads batch_size before swapping axes in onnx 1.12)."""
    from onnx.backend.test.case.node.gru import GRU_Helper
    kw = dict(X=np.asarray(X, np.float64), W=np.asarray(W, np.float64),
              R=np.asarray(R, np.float64), linear_before_reset=int(lbr))
    if B is not None:
        kw["B"] = np.asarray(B, np.float64)
    if initial_h is not None:
        kw["initial_h"] = np.asarray(initial_h, np.float64)
    Yh, _ = GRU_Helper(**kw).step()
    d = float(np.max(np.abs(Yh - Y)))
    assert d < EXACT_TOL, f"numpy vs GRU_Helper differ by {d}"


def zrh_to_rzn(a, H):
    """Swap the first two gate blocks along axis 0 (self-inverse)."""
    return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])


# --------------------------------------------------------------------------
# A tiny numpy ONNX interpreter (float64) for the operators used here
# --------------------------------------------------------------------------

def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _tensor(t):
    a = numpy_helper.to_array(t)
    return a.astype(np.float64) if a.dtype == np.float32 else a


def run_onnx(model, x):
    """Evaluate the (single-input) graph on x (numpy); returns all graph
    outputs as float64 arrays."""
    g = model.graph
    env = {t.name: _tensor(t) for t in g.initializer}
    inits = set(env)
    real_inputs = [i.name for i in g.input if i.name not in inits]
    assert len(real_inputs) == 1, real_inputs
    env[real_inputs[0]] = np.asarray(x, dtype=np.float64)
    for node in g.node:
        a = _attrs(node)
        ins = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            out = [_tensor(a["value"])]
        elif op == "Identity":
            out = [ins[0]]
        elif op == "Shape":
            out = [np.array(ins[0].shape, dtype=np.int64)]
        elif op == "Gather":
            out = [np.take(ins[0], ins[1], axis=a.get("axis", 0))]
        elif op == "Unsqueeze":
            y = ins[0]
            for ax in sorted(int(v) % (y.ndim + len(ins[1])) for v in ins[1]):
                y = np.expand_dims(y, ax)
            out = [y]
        elif op == "Squeeze":
            out = [np.squeeze(ins[0], axis=tuple(int(v) for v in ins[1]))]
        elif op == "Concat":
            out = [np.concatenate(ins, axis=a["axis"])]
        elif op == "ConstantOfShape":
            v = _tensor(a["value"]) if "value" in a else np.zeros(1)
            out = [np.full(tuple(int(s) for s in ins[0]), v.reshape(-1)[0], dtype=v.dtype)]
        elif op == "Expand":
            out = [ins[0] * np.ones(tuple(int(s) for s in ins[1]), dtype=ins[0].dtype)]
        elif op == "Transpose":
            out = [np.transpose(ins[0], a.get("perm"))]
        elif op == "Reshape":
            shape = [int(s) if s != 0 else ins[0].shape[i] for i, s in enumerate(ins[1])]
            out = [ins[0].reshape(shape)]
        elif op == "Slice":
            data, starts, ends = ins[0], ins[1], ins[2]
            axes = ins[3] if len(ins) > 3 and ins[3] is not None else range(len(starts))
            steps = ins[4] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            sl = [slice(None)] * data.ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(s), int(e), int(st))
            out = [data[tuple(sl)]]
        elif op == "MatMul":
            out = [ins[0] @ ins[1]]
        elif op == "Add":
            out = [ins[0] + ins[1]]
        elif op == "Mul":
            out = [ins[0] * ins[1]]
        elif op == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            Bm = ins[1].T if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ Bm)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
            out = [y]
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(ins[0] - np.max(ins[0], axis=ax, keepdims=True))
            out = [e / np.sum(e, axis=ax, keepdims=True)]
        elif op == "Sigmoid":
            out = [_sigmoid(ins[0])]
        elif op == "Tanh":
            out = [np.tanh(ins[0])]
        elif op == "Relu":
            out = [np.maximum(ins[0], 0.0)]
        elif op == "GRU":
            assert a.get("direction", b"forward") in (b"forward", "forward")
            layout = a.get("layout", 0)
            X = ins[0] if layout == 0 else np.swapaxes(ins[0], 0, 1)
            B = ins[3] if len(ins) > 3 else None
            assert len(ins) <= 4 or ins[4] is None, "sequence_lens"
            h0 = ins[5] if len(ins) > 5 else None
            if h0 is not None and layout == 1:
                h0 = np.swapaxes(h0, 0, 1)
            Y, Yh = onnx_gru(X, ins[1], ins[2], B, h0, a.get("linear_before_reset", 0))
            assert a["hidden_size"] == Y.shape[-1]
            if layout == 1:
                Y, Yh = np.transpose(Y, (2, 0, 1, 3)), np.swapaxes(Yh, 0, 1)
            out = [Y, Yh]
        else:
            raise NotImplementedError(op)
        for name, v in zip(node.output, out):
            if name:
                env[name] = v
    return [env[o.name] for o in g.output]


def op_sequence(model):
    return [n.op_type for n in model.graph.node]


# --------------------------------------------------------------------------
# A. torch cases
# --------------------------------------------------------------------------

class Net(nn.Module):
    """y, h = gru(x); [y = y[:, -1, :]]; y = fc(y) if any; y = act(y) if any."""

    def __init__(self, input_size, hidden, num_layers, batch_first, gru_bias,
                 fc=None, act=None, last_only=False):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden, num_layers=num_layers, bias=gru_bias,
                          batch_first=batch_first)
        self.fc = nn.Linear(hidden, fc[0], bias=fc[1]) if fc else None
        self.act = act
        self.last_only = last_only

    def head(self, y):
        if self.fc is not None:
            y = self.fc(y)
        if self.act is not None:
            y = self.act(y)
        return y

    def forward(self, x):
        y, h = self.gru(x)
        if self.last_only:
            y = y[:, -1, :]
        return self.head(y)


# name, seed, input_size, hidden, layers, batch_first, gru_bias, fc, act, opset, options
TORCH_CASES = [
    dict(name="onnx_gru_only", seed=101, input_size=3, hidden=5, layers=1, bf=False,
         bias=True, fc=None, act=None, opset=13, bare=True,
         description="Bare nn.GRU(3, 5) exported with both outputs (y, h_n); y = the "
                     "hidden state."),
    dict(name="onnx_bf_stacked2_linear3", seed=102, input_size=4, hidden=8, layers=2, bf=True,
         bias=True, fc=(3, True), act=None, opset=14,
         description="batch_first, nn.GRU(4, 8, num_layers=2), Linear(8, 3), no activation."),
    dict(name="onnx_stacked3_softmax4", seed=103, input_size=2, hidden=6, layers=3, bf=False,
         bias=True, fc=(4, True), act="softmax", opset=15,
         description="nn.GRU(2, 6, num_layers=3), Linear(6, 4), Softmax(dim=-1)."),
    dict(name="onnx_bf_stacked4_sigmoid2", seed=104, input_size=3, hidden=5, layers=4, bf=True,
         bias=True, fc=(2, True), act="sigmoid", opset=16,
         description="batch_first, nn.GRU(3, 5, num_layers=4), Linear(5, 2), Sigmoid."),
    dict(name="onnx_nobias_tanh3", seed=105, input_size=5, hidden=7, layers=1, bf=False,
         bias=False, fc=(3, False), act="tanh", opset=17,
         description="nn.GRU(5, 7, bias=False), Linear(7, 3, bias=False), Tanh."),
    dict(name="onnx_bf_nobias_gru_relu4", seed=106, input_size=3, hidden=16, layers=2, bf=True,
         bias=False, fc=(4, True), act="relu", opset=13,
         description="batch_first, nn.GRU(3, 16, num_layers=2, bias=False), Linear(16, 4) "
                     "with bias, ReLU."),
    dict(name="onnx_in16_h64_sigmoid1", seed=107, input_size=16, hidden=64, layers=1, bf=False,
         bias=True, fc=(1, True), act="sigmoid", opset=17,
         description="nn.GRU(16, 64), Linear(64, 1), Sigmoid."),
    dict(name="onnx_static_stacked2_h32", seed=108, input_size=1, hidden=32, layers=2, bf=False,
         bias=True, fc=(1, True), act=None, opset=13, static=True,
         description="nn.GRU(1, 32, num_layers=2), Linear(32, 1); exported without "
                     "dynamic_axes (static input shape [60, 1, 1])."),
    dict(name="onnx_classifier_h13", seed=109, input_size=3, hidden=13, layers=1, bf=True,
         bias=True, fc=(4, True), act="softmax", opset=14, last_only=True,
         description="Sequence classifier: batch_first nn.GRU(3, 13), output "
                     "softmax(Linear(13, 4)(y[:, -1, :])) -- last step only; the reference "
                     "holds softmax(fc(y_t)) for every step."),
    dict(name="onnx_stacked3_softmax4_nofold", seed=103, input_size=2, hidden=6, layers=3,
         bf=False, bias=True, fc=(4, True), act="softmax", opset=13, fold=False,
         description="Same module as onnx_stacked3_softmax4, exported with "
                     "do_constant_folding=False (GRU weights computed by Slice/Concat/"
                     "Unsqueeze from the raw PyTorch parameters)."),
    dict(name="onnx_base", seed=110, input_size=3, hidden=8, layers=1, bf=False,
         bias=True, fc=(2, True), act=None, opset=13,
         description="Base of the hand-built variants: nn.GRU(3, 8), Linear(8, 2), no "
                     "activation."),
]

_ACTS = {"softmax": lambda: nn.Softmax(dim=-1), "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
         "relu": nn.ReLU}


def build_torch(case):
    torch.manual_seed(case["seed"])
    act = _ACTS[case["act"]]() if case["act"] else None
    net = Net(case["input_size"], case["hidden"], case["layers"], case["bf"], case["bias"],
              case["fc"], act, case.get("last_only", False))
    return net.eval()


def export_torch(case, net):
    bf = case["bf"]
    shape = (1, STEPS, case["input_size"]) if bf else (STEPS, 1, case["input_size"])
    dummy = torch.zeros(shape)
    t_ax, b_ax = (1, 0) if bf else (0, 1)
    module = net.gru if case.get("bare") else net
    out_names = ["y", "h_n"] if case.get("bare") else ["y"]
    dyn = None
    if not case.get("static"):
        dyn = {"x": {t_ax: "T", b_ax: "B"}}
        if case.get("last_only"):
            dyn["y"] = {0: "B"}
        else:
            dyn["y"] = {t_ax: "T", b_ax: "B"}
        if case.get("bare"):
            dyn["h_n"] = {1: "B"}
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, dummy, f, input_names=["x"], output_names=out_names,
                          dynamic_axes=dyn, opset_version=case["opset"],
                          do_constant_folding=case.get("fold", True))
    return f.getvalue()


def torch_reference(case, net, inputs):
    """(outputs [T, out], final_state, x shaped for the model)"""
    x = torch.from_numpy(inputs)
    x = x[None] if case["bf"] else x[:, None]
    with torch.no_grad():
        y, h = net.gru(x)
        final = h[:, 0, :].reshape(-1).numpy()
        if case.get("bare"):
            yy, hh = net.gru(x)
            assert torch.equal(yy, y) and torch.equal(hh, h)
            outs = y[:, 0, :].numpy()
        elif case.get("last_only"):
            rows = [net.head(y[:, t, :])[0] for t in range(STEPS)]
            outs = torch.stack(rows).numpy()
            own = net(x)[0].numpy()
            assert np.array_equal(own, outs[-1]), "classifier: last row != module output"
        else:
            own = net(x)
            outs = (own[0] if case["bf"] else own[:, 0]).numpy()
    return outs, final, x.numpy()


def check_torch_weights(case, net, model):
    """The weights in the file equal the PyTorch parameters bitwise."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    H = case["hidden"]
    grus = [n for n in model.graph.node if n.op_type == "GRU"]
    assert len(grus) == case["layers"]
    found = 0
    for k, node in enumerate(grus):
        ins = list(node.input) + [""] * (4 - len(node.input))
        if all(n in inits for n in ins[1:3]):
            W, R = inits[ins[1]], inits[ins[2]]
            assert np.array_equal(zrh_to_rzn(W[0], H), sd[f"gru.weight_ih_l{k}"])
            assert np.array_equal(zrh_to_rzn(R[0], H), sd[f"gru.weight_hh_l{k}"])
            if case["bias"]:
                B = inits[ins[3]][0]
                assert np.array_equal(zrh_to_rzn(B[:3 * H], H), sd[f"gru.bias_ih_l{k}"])
                assert np.array_equal(zrh_to_rzn(B[3 * H:], H), sd[f"gru.bias_hh_l{k}"])
            else:
                assert ins[3] == "" or ins[3] not in inits
            found += 1
        else:  # not folded: the raw PyTorch parameters are initializers
            for key in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if case["bias"] else ()):
                name = f"gru.{key}_l{k}"
                assert np.array_equal(inits[name], sd[name]), name
                found += 1
    if net.fc is not None:
        w = sd["fc.weight"]
        assert any(v.dtype == np.float32 and (np.array_equal(v, w) or np.array_equal(v, w.T))
                   for v in inits.values()), "fc.weight"
        if net.fc.bias is not None:
            assert any(np.array_equal(v, sd["fc.bias"]) for v in inits.values()), "fc.bias"
    assert found > 0


def torch_params(net):
    return int(sum(p.numel() for p in net.parameters()))


# --------------------------------------------------------------------------
# B. onnx-node cases
# --------------------------------------------------------------------------

def _init(name, arr, float_data=False):
    arr = np.asarray(arr)
    if float_data:
        assert arr.dtype == np.float32
        return helper.make_tensor(name, TensorProto.FLOAT, arr.shape, arr.reshape(-1).tolist())
    return numpy_helper.from_array(arr, name)


def _vi(name, dims, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, dims)


def _model(graph, opset=NODE_OPSET):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="tools/onnx_cases.py")
    return m


def _gru_weights(rng, in_size, H, with_b):
    W = (rng.standard_normal((1, 3 * H, in_size)) * 0.5).astype(np.float32)
    R = (rng.standard_normal((1, 3 * H, H)) * 0.5).astype(np.float32)
    B = (rng.standard_normal((1, 6 * H)) * 0.5).astype(np.float32) if with_b else None
    return W, R, B


NODE_CASES = [
    dict(name="onnx_node_cho_h5", seed=201, input_size=3, hidden=[5], layout=0, lbr=0,
         description="onnx.helper graph: GRU (layout 0, linear_before_reset 0, with B; "
                     "Y_h output name empty) -> Squeeze(axes [1]) -> y [T,1,5]."),
    dict(name="onnx_node_layout1_nob_h6", seed=202, input_size=4, hidden=[6], layout=1, lbr=0,
         description="onnx.helper graph: GRU (layout 1, linear_before_reset 0, B absent; Y_h "
                     "named but unused), X [1,T,4] -> Squeeze(axes [2]) -> y [1,T,6]."),
    dict(name="onnx_node_layout1_h0_h3", seed=203, input_size=2, hidden=[3], layout=1, lbr=1,
         description="onnx.helper graph: GRU (layout 1, linear_before_reset 1, with B, "
                     "initial_h = zeros [1,1,3] initializer) -> Squeeze(axes [2]) -> y [1,T,3]."),
    dict(name="onnx_node_stacked_float_data", seed=204, input_size=3, hidden=[7, 4], layout=0,
         lbr=0, out=2,
         description="onnx.helper graph, weights in float_data: GRU 7 -> Squeeze -> GRU 4 -> "
                     "Squeeze -> MatMul [4,2] -> Add [2] -> Tanh (linear_before_reset 0)."),
]


def build_node_case(case):
    """Returns (model, reference fn(inputs) -> (outputs, final_state), params)."""
    rng = np.random.default_rng(case["seed"])
    name, in_size, layout, lbr = case["name"], case["input_size"], case["layout"], case["lbr"]
    fd = name == "onnx_node_stacked_float_data"
    nodes, inits, params = [], [], 0
    if layout == 0:
        x_dims, sq_axis = ["T", 1, in_size], 1
    else:
        x_dims, sq_axis = [1, "T", in_size], 2
    cur, size = "X", in_size
    layers = []  # (W, R, B, h0)
    for k, H in enumerate(case["hidden"]):
        with_b = name != "onnx_node_layout1_nob_h6"
        W, R, B = _gru_weights(rng, size, H, with_b)
        sfx = "" if len(case["hidden"]) == 1 else str(k)
        gname = "gru" + sfx
        inits += [_init(f"W{sfx}", W, fd), _init(f"R{sfx}", R, fd)]
        params += W.size + R.size
        gin = [cur, f"W{sfx}", f"R{sfx}"]
        if B is not None:
            inits.append(_init(f"B{sfx}", B, fd))
            params += B.size
            gin.append(f"B{sfx}")
        else:
            gin.append("")
        h0 = None
        if name == "onnx_node_layout1_h0_h3":
            h0 = np.zeros((1, 1, H), dtype=np.float32)
            inits.append(_init("initial_h", h0))
            gin += ["", "initial_h"]
        y_h = "" if name == "onnx_node_cho_h5" else f"Y_h{sfx}"
        attrs = dict(hidden_size=H, linear_before_reset=lbr)
        if layout:
            attrs["layout"] = layout
        nodes.append(helper.make_node("GRU", gin, [f"Y{sfx}", y_h], name=gname, **attrs))
        inits.append(_init(f"sq_axes{sfx}", np.array([sq_axis], dtype=np.int64)))
        nodes.append(helper.make_node("Squeeze", [f"Y{sfx}", f"sq_axes{sfx}"], [f"Ys{sfx}"],
                                      name=f"squeeze{sfx}"))
        layers.append((W, R, B, h0))
        cur, size = f"Ys{sfx}", H
    dense = None
    if case.get("out"):
        O = case["out"]
        Wd = (rng.standard_normal((size, O)) * 0.5).astype(np.float32)
        bd = (rng.standard_normal(O) * 0.5).astype(np.float32)
        inits += [_init("fc_W", Wd, fd), _init("fc_b", bd, fd)]
        params += Wd.size + bd.size
        nodes += [helper.make_node("MatMul", [cur, "fc_W"], ["fc_mm"], name="fc_matmul"),
                  helper.make_node("Add", ["fc_mm", "fc_b"], ["fc_add"], name="fc_add"),
                  helper.make_node("Tanh", ["fc_add"], ["y"], name="tanh")]
        dense = (Wd, bd)
        size = O
    else:
        nodes[-1].output[0] = "y"
    out_dims = ["T", 1, size] if layout == 0 else [1, "T", size]
    graph = helper.make_graph(nodes, name, [_vi("X", x_dims)], [_vi("y", out_dims)], inits)
    model = _model(graph)

    def reference(inputs):
        X = inputs[:, None, :].astype(np.float64)  # layout-0 data [T, 1, in]
        finals = []
        for W, R, B, h0 in layers:
            Y, Yh = onnx_gru(X, W, R, B, h0, lbr)
            gru_helper_crosscheck(X, W, R, B, h0, lbr, Y)
            finals.append(Yh[0, 0])
            X = Y[:, 0]
        out = X[:, 0]
        if dense is not None:
            out = np.tanh(out @ dense[0].astype(np.float64) + dense[1].astype(np.float64))
        return out, np.concatenate(finals)

    return model, reference, int(params)


# --------------------------------------------------------------------------
# C. hand-built variants of onnx_base
# --------------------------------------------------------------------------

def _producer(graph, name):
    return next(n for n in graph.node if name in n.output)


def _const_node(out, arr, name):
    return helper.make_node("Constant", [], [out], name=name,
                            value=numpy_helper.from_array(np.asarray(arr), out))


def _rebuild(base, nodes=None, inits=None):
    m = onnx.ModelProto()
    m.CopyFrom(base)
    if nodes is not None:
        del m.graph.node[:]
        m.graph.node.extend(nodes)
    if inits is not None:
        del m.graph.initializer[:]
        m.graph.initializer.extend(inits)
    return m


def _drop_unused(m):
    """Remove nodes and initializers whose outputs nothing reads."""
    g = m.graph
    while True:
        used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        dead = [k for k, n in enumerate(g.node) if not any(o in used for o in n.output if o)]
        if not dead:
            break
        for k in reversed(dead):
            del g.node[k]
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    return m


def variant_expand(base):
    nodes = []
    for n in base.graph.node:
        if n.op_type == "ConstantOfShape":
            zero = "v_expand_zero"
            nodes.append(_const_node(zero, np.zeros([1], dtype=np.float32), "v_expand/Constant"))
            nodes.append(helper.make_node("Expand", [zero, n.input[0]], list(n.output),
                                          name="v_expand/Expand"))
        else:
            nodes.append(n)
    assert len(nodes) == len(base.graph.node) + 1
    return _rebuild(base, nodes)


def variant_gemm(base):
    g = base.graph
    mm = next(n for n in g.node if n.op_type == "MatMul")
    add = next(n for n in g.node if n.op_type == "Add")
    inits = {t.name: t for t in g.initializer}
    w_t = numpy_helper.to_array(inits[mm.input[1]])           # [8, 2]
    bias_name = next(i for i in add.input if i in inits)
    x_name = next(i.name for i in g.input if i.name not in inits)
    a, H = mm.input[0], w_t.shape[0]
    new_inits = [t for t in g.initializer if t.name != mm.input[1]]
    new_inits.append(numpy_helper.from_array(np.ascontiguousarray(w_t.T), "fc.weight"))
    repl = [
        _const_node("v_gemm/flat_shape", np.array([-1, H], dtype=np.int64), "v_gemm/Constant"),
        helper.make_node("Reshape", [a, "v_gemm/flat_shape"], ["v_gemm/flat"], name="v_gemm/Reshape"),
        helper.make_node("Gemm", ["v_gemm/flat", "fc.weight", bias_name], ["v_gemm/gemm"],
                         name="v_gemm/Gemm", transB=1),
        helper.make_node("Shape", [x_name], ["v_gemm/x_shape"], name="v_gemm/Shape"),
        _const_node("v_gemm/starts", np.array([0], dtype=np.int64), "v_gemm/Constant_1"),
        _const_node("v_gemm/ends", np.array([2], dtype=np.int64), "v_gemm/Constant_2"),
        helper.make_node("Slice", ["v_gemm/x_shape", "v_gemm/starts", "v_gemm/ends"],
                         ["v_gemm/tb"], name="v_gemm/Slice"),
        _const_node("v_gemm/out", np.array([w_t.shape[1]], dtype=np.int64), "v_gemm/Constant_3"),
        helper.make_node("Concat", ["v_gemm/tb", "v_gemm/out"], ["v_gemm/shape"],
                         name="v_gemm/Concat", axis=0),
        helper.make_node("Reshape", ["v_gemm/gemm", "v_gemm/shape"], list(add.output),
                         name="v_gemm/Reshape_1"),
    ]
    nodes = []
    for n in g.node:
        if n is mm:
            nodes += repl
        elif n is not add:
            nodes.append(n)
    return _rebuild(base, nodes, new_inits)


def variant_reshape(base):
    g = base.graph
    gru = next(n for n in g.node if n.op_type == "GRU")
    H = next(a.i for a in gru.attribute if a.name == "hidden_size")
    nodes = []
    for n in g.node:
        if n.op_type == "Squeeze" and n.input[0] == gru.output[0]:
            nodes.append(_const_node("v_reshape/shape", np.array([0, -1, H], dtype=np.int64),
                                     "v_reshape/Constant"))
            nodes.append(helper.make_node("Reshape", [n.input[0], "v_reshape/shape"],
                                          list(n.output), name="v_reshape/Reshape"))
        else:
            nodes.append(n)
    return _drop_unused(_rebuild(base, nodes))


def variant_constants(base):
    consts = [helper.make_node("Constant", [], [t.name], name=f"init/{t.name}", value=t)
              for t in base.graph.initializer]
    m = _rebuild(base, consts + list(base.graph.node), [])
    names = {t.name for t in base.graph.initializer}
    keep = [i for i in m.graph.input if i.name not in names]
    del m.graph.input[:]
    m.graph.input.extend(keep)
    return m


def variant_identity(base):
    g = base.graph
    consumed = {i for n in g.node for i in n.input if i}
    nodes, k = [], 0
    for n in g.node:
        nn_ = onnx.NodeProto()
        nn_.CopyFrom(n)
        nodes.append(nn_)
        for o in n.output:
            if o and o in consumed:
                nodes.append(helper.make_node("Identity", [o], [o + "/id"], name=f"identity_{k}"))
                k += 1
    renamed = {o for n in g.node for o in n.output if o and o in consumed}
    for n in nodes:
        if n.op_type == "Identity" and n.name.startswith("identity_"):
            continue
        for j, i in enumerate(n.input):
            if i in renamed:
                n.input[j] = i + "/id"
    return _rebuild(base, nodes)


def variant_float_data(base):
    inits = []
    for t in base.graph.initializer:
        if t.data_type == TensorProto.FLOAT:
            a = numpy_helper.to_array(t)
            t = helper.make_tensor(t.name, TensorProto.FLOAT, a.shape, a.reshape(-1).tolist())
            assert not t.raw_data
        inits.append(t)
    return _rebuild(base, None, inits)


VARIANTS = [
    ("onnx_v_expand", variant_expand,
     "onnx_base with the zero initial state made by Expand(Constant 0.0 [1], shape) instead "
     "of ConstantOfShape."),
    ("onnx_v_gemm", variant_gemm,
     "onnx_base with MatMul + Add replaced by Reshape [-1,8] -> Gemm(transB=1, weight [2,8], "
     "bias) -> Reshape to Concat(Slice(Shape(x), 0, 2), [2])."),
    ("onnx_v_reshape", variant_reshape,
     "onnx_base with Squeeze of the direction axis replaced by Reshape(Y, [0,-1,8])."),
    ("onnx_v_constants", variant_constants,
     "onnx_base with every initializer replaced by a Constant node (graph.initializer empty)."),
    ("onnx_v_identity", variant_identity,
     "onnx_base with an Identity node after every node output that feeds another node."),
    ("onnx_v_float_data", variant_float_data,
     "onnx_base with every float initializer stored in float_data instead of raw_data."),
]


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def _inputs(seed, size):
    return np.random.default_rng(2000 + seed).standard_normal((STEPS, size), dtype=np.float32)


def _as_model_input(inputs, layout1):
    return inputs[None] if layout1 else inputs[:, None]


def _seq_out(y, layout1):
    """[T,1,O] or [1,T,O] -> [T,O]"""
    return y[0] if layout1 else y[:, 0]


def write_onnx_cases(models_dir, write_reference, log=print):
    torch.set_num_threads(1)
    out_dir = os.path.join(models_dir, SUBDIR)
    os.makedirs(out_dir, exist_ok=True)
    index, summary, sequences = [], [], {}

    def save_bytes(name, data):
        with open(os.path.join(out_dir, f"{name}.onnx"), "wb") as f:
            f.write(data)

    def add(name, description, kind, same_as, in_size, out_size, hidden, lbr, opset, params,
            final_only, inputs, outputs, final_state, f32, check):
        write_reference(os.path.join(out_dir, f"{name}.ref.json"), f"{name}.onnx",
                        inputs, outputs, final_state, outputs_f32=f32)
        index.append({"name": name, "description": description, "kind": kind,
                      "same_as": same_as, "input_size": in_size, "output_size": out_size,
                      "hidden_sizes": hidden, "linear_before_reset": lbr, "opset": opset,
                      "params": params, "outputs_final_only": final_only})
        summary.append((name, kind, in_size, "+".join(map(str, hidden)), out_size, opset,
                        params, os.path.getsize(os.path.join(out_dir, f"{name}.onnx")), check))

    # ---- A. torch cases --------------------------------------------------
    base = None
    for case in TORCH_CASES:
        name = case["name"]
        net = build_torch(case)
        data = export_torch(case, net)
        model = onnx.load_from_string(data)
        onnx.checker.check_model(model)
        check_torch_weights(case, net, model)
        sequences[name] = op_sequence(model)
        inputs = _inputs(case["seed"], case["input_size"])
        outs, final, x = torch_reference(case, net, inputs)
        got = run_onnx(model, x)
        y = got[0]
        y = y[:, None] if case.get("last_only") else y  # [B, O] -> [B, 1, O]
        if case.get("last_only"):
            d = float(np.max(np.abs(y[0, 0] - outs[-1])))
        else:
            d = float(np.max(np.abs(_seq_out(y, case["bf"]) - outs)))
        if case.get("bare"):
            d = max(d, float(np.max(np.abs(got[1][:, 0].reshape(-1) - final))))
        assert d < TORCH_TOL, f"{name}: numpy ONNX interpreter vs PyTorch differ by {d}"
        save_bytes(name, data)
        add(name, case["description"], "torch", None, case["input_size"], outs.shape[1],
            [case["hidden"]] * case["layers"], True, case["opset"], torch_params(net),
            bool(case.get("last_only", False)), inputs, outs, final, True,
            f"|onnx64-torch|={d:.1e}")
        if name == "onnx_base":
            base = (case, model, inputs, outs, final, torch_params(net))

    # ---- B. onnx-node cases ----------------------------------------------
    for case in NODE_CASES:
        name = case["name"]
        model, reference, params = build_node_case(case)
        onnx.checker.check_model(model)
        inputs = _inputs(case["seed"], case["input_size"])
        outs, final = reference(inputs)
        layout1 = case["layout"] == 1
        y = run_onnx(model, _as_model_input(inputs, layout1))[0]
        d = float(np.max(np.abs(_seq_out(y, layout1) - outs)))
        assert d < EXACT_TOL, f"{name}: interpreter vs reference differ by {d}"
        data = model.SerializeToString()
        save_bytes(name, data)
        add(name, case["description"], "onnx-node", None, case["input_size"], outs.shape[1],
            list(case["hidden"]), bool(case["lbr"]), NODE_OPSET, params, False,
            inputs, outs, final, False, "GRU_Helper ok")

    # ---- C. variants of onnx_base ----------------------------------------
    bcase, bmodel, binputs, bouts, bfinal, bparams = base
    bx = binputs[:, None]
    bref = run_onnx(bmodel, bx)[0]
    for name, fn, description in VARIANTS:
        model = fn(bmodel)
        onnx.checker.check_model(model)
        y = run_onnx(model, bx)[0]
        d = float(np.max(np.abs(y - bref)))
        assert d < EXACT_TOL, f"{name}: differs from onnx_base by {d}"
        save_bytes(name, model.SerializeToString())
        add(name, description, "variant", "onnx_base", bcase["input_size"], bouts.shape[1],
            [bcase["hidden"]], True, bcase["opset"], bparams, False,
            binputs, bouts, bfinal, True, f"|v-base|={d:.0e}")

    # ---- D. layers in any order, normalisations, activations, opset 22 -----
    import onnx_layered_cases as lc
    for name, seed, in_size, opset, build, description in lc.TORCH_CASES:
        data, net, inputs, outs, final, params = lc.torch_case(seed, in_size, opset, build)
        model = onnx.load_from_string(data)
        onnx.checker.check_model(model)
        sequences[name] = op_sequence(model)
        save_bytes(name, data)
        hidden = [m.hidden_size for m in net.modules() if isinstance(m, nn.GRU)]
        add(name, description, "torch", None, in_size, outs.shape[1], hidden, True, opset, params,
            False, inputs, outs, final, True, "pytorch-f32")
    data, inputs, outs, final, params = lc.hn_last_case()
    onnx.checker.check_model(onnx.load_from_string(data))
    save_bytes("onnx_hn_last_stacked2", data)
    add("onnx_hn_last_stacked2", "opset 14: fc(h_n[-1]) of nn.GRU(3, 8, num_layers=2) + Sigmoid: the head "
        "reads the last layer's final state out of the stacked h_n (output at the last step only).",
        "torch", None, 3, outs.shape[1], [8, 8], True, 14, params, True, inputs, outs, final, True,
        "pytorch-f32")
    for name, model, inputs, outs, final, params, final_only, description in lc.official_gru_node_cases(onnx_gru):
        onnx.checker.check_model(model)
        save_bytes(name, model.SerializeToString())
        add(name, description, "onnx-node", None, inputs.shape[1], outs.shape[1], [outs.shape[1]], False, 22,
            params, final_only, inputs, outs, final, False, "official expected ok")
    for name, seed, in_size, build, description in lc.H0_CASES:
        data, inputs, outs, final, params = lc.h0_case(seed, in_size, build)
        model = onnx.load_from_string(data)
        onnx.checker.check_model(model)
        sequences[name] = op_sequence(model)
        save_bytes(name, data)
        hidden = [int(final.size // 2)] * 2 if "stacked2" in name else [int(final.size)]
        add(name, description, "torch", None, in_size, outs.shape[1], hidden, True, 14, params, False,
            inputs, outs, final, True, "pytorch-f32")
    for name, model, inputs, outs, final, params, lbr, description in lc.clip_node_cases(onnx_gru):
        onnx.checker.check_model(model)
        save_bytes(name, model.SerializeToString())
        add(name, description, "onnx-node", None, inputs.shape[1], outs.shape[1], [outs.shape[1]], lbr, 14,
            params, False, inputs, outs, final, False, "numpy-f64")
    model, inputs, outs, final, params = lc.opset22_case(onnx_gru)
    save_bytes("onnx_opset22_gelu", model.SerializeToString())
    add("onnx_opset22_gelu", "opset 22 (by hand): GRU 9 (linear_before_reset 1), Gelu tanh form, "
        "MatMul + Add 5, Gelu (erf), PRelu with 5 slopes; float64 reference.", "onnx-node", None,
        inputs.shape[1], outs.shape[1], [9], True, 22, params, False, inputs, outs, final, False,
        "numpy-f64")

    with open(os.path.join(out_dir, "onnx_cases.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")

    head = ("name", "kind", "in", "hidden", "out", "opset", "params", "onnx B", "check")
    widths = [max(len(str(r[i])) for r in summary + [head]) for i in range(len(head))]
    for r in [head] + summary:
        log("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    onnx_total = sum(os.path.getsize(os.path.join(out_dir, f))
                     for f in os.listdir(out_dir) if f.endswith(".onnx"))
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    log(f"{len(summary)} onnx cases, .onnx files {onnx_total / 1e6:.3f} MB, "
        f"{total / 1e6:.2f} MB in {out_dir}")
    return sequences
