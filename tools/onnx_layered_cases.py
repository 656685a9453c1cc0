"""ONNX reference models with layers in any order, normalisation and activation layers, and opset 22.

Called from ``tools/onnx_cases.py`` (section D); each case is added to ``onnx_cases.json`` with kind
``torch`` (``torch.onnx.export`` of a PyTorch 1.13 module; reference = the module in float32) or
``onnx-node`` (a graph written with ``onnx.helper``; reference = float64 numpy).

* ``onnx_layered_front_ln_bn_acts`` (opset 17): Linear + ReLU before the GRU, ``LayerNormalization``,
  ``BatchNormalization`` on the GRU's output (transposed to channels-first and back, as nn.BatchNorm1d
  needs), LeakyRelu, Elu, Clip (nn.Hardtanh), HardSigmoid (PyTorch's alpha 1/6 written out) and
  LogSoftmax.
* ``onnx_layered_gru_dense_gru`` (opset 14): two GRU blocks separated by Linear + Tanh, a PRelu with one
  slope, nn.ReLU6 (Clip 0..6), Sigmoid.
* ``onnx_input_bn_clamp`` (opset 14): BatchNormalization on the graph input itself, and a Clip with one
  bound.
* ``onnx_decomposed_opset14``: what PyTorch 1.13 decomposes at opset 14 (LayerNorm, GELU in both forms,
  SiLU, Softsign).
* ``onnx_hn_last_stacked2`` (opset 14): ``fc(h_n[-1])`` of ``nn.GRU(num_layers=2)`` + Sigmoid: the head
  reads the last layer's final state out of the stacked ``h_n`` (Concat, Gather -1); reference per step
  = the head on each step's output of the last layer (equal to the module's output at the last step).
* ``onnx_opset22_gelu`` (opset 22, written by hand: onnx 1.12 cannot write opset 22 models itself, and its
  checker does not know Gelu, so the file is not checked by it): GRU -> Gelu(tanh) -> MatMul + Add ->
  Gelu (erf) -> PRelu with one slope per feature.
"""

import io
import math
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

import layered_cases

STEPS = 60


class _Features(nn.Module):
    """nn.BatchNorm1d over the features of a [T, N, F] sequence: channels first and back."""

    def __init__(self, bn):
        super().__init__()
        self.bn = bn

    def forward(self, x):
        return self.bn(x.permute(1, 2, 0)).permute(2, 0, 1)


class _ClampMin(nn.Module):
    """torch.clamp(x, min=...): a Clip with one bound."""

    def __init__(self, low):
        super().__init__()
        self.low = low

    def forward(self, x):
        return torch.clamp(x, min=self.low)


class _Standardize(nn.Module):
    """(x - mean) / std in forward, with constant buffers: Sub and Div in the export."""

    def __init__(self, features, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("mean", torch.randn(features, generator=g) * 5 + 10)
        self.register_buffer("std", torch.rand(features, generator=g) * 3 + 0.5)

    def forward(self, x):
        return (x - self.mean) / self.std


class _NegScaleShift(nn.Module):
    """-(x * 2.5) + shift, and 1 - that: Mul, Neg, Add, Sub in the export."""

    def __init__(self, features, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("shift", torch.randn(features, generator=g))

    def forward(self, x):
        return 1.0 - (-(x * 2.5) + self.shift)


class _TanhHalf(nn.Module):
    """tanh(x / 2): a function of a constant chain (Div, Tanh in the export)."""

    def forward(self, x):
        return torch.tanh(x / 2.0)


class Chain(nn.Module):
    """The modules in order on a [T, N, F] sequence (a GRU passes on its y)."""

    def __init__(self, *modules):
        super().__init__()
        self.mods = nn.ModuleList(modules)

    def forward(self, x):
        for m in self.mods:
            x = m(x)[0] if isinstance(m, nn.GRU) else m(x)
        return x


def _bn(features, seed):
    return layered_cases.batch_norm(features, seed).train(False)


def _ln(features, seed):
    return layered_cases.layer_norm(features, seed)


TORCH_CASES = [
    ("onnx_layered_front_ln_bn_acts", 301, 5, 17,
     lambda: Chain(nn.Linear(5, 8), nn.ReLU(), _ln(8, 1), nn.GRU(8, 12), _Features(_bn(12, 2)),
                   nn.LeakyReLU(0.1), nn.Linear(12, 6), nn.ELU(0.5), nn.Hardtanh(-0.5, 0.5),
                   nn.Linear(6, 4), nn.Hardsigmoid(), nn.Linear(4, 3), nn.LogSoftmax(dim=-1)),
     "opset 17: Linear 8 + Relu, LayerNormalization, GRU 12, BatchNormalization (eval, transposed to "
     "channels-first and back), LeakyRelu 0.1, Linear 6 + Elu 0.5, Clip [-0.5, 0.5], Linear 4 + "
     "HardSigmoid (1/6, 0.5), Linear 3 + LogSoftmax."),
    ("onnx_layered_gru_dense_gru", 302, 3, 14,
     lambda: Chain(nn.GRU(3, 10), nn.Linear(10, 6), nn.Tanh(), nn.GRU(6, 7), nn.PReLU(),
                   nn.Linear(7, 4), nn.ReLU6(), nn.Linear(4, 2), nn.Sigmoid()),
     "opset 14: GRU 10, Linear 6 + Tanh, GRU 7, PRelu (one slope), Linear 4 + Clip [0, 6] "
     "(nn.ReLU6), Linear 2 + Sigmoid."),
    ("onnx_input_bn_clamp", 306, 4, 14,
     lambda: Chain(_Features(_bn(4, 9)), nn.GRU(4, 6), _ClampMin(-0.25), nn.Linear(6, 2)),
     "opset 14: BatchNormalization on the graph input (transposed to channels-first and back), GRU 6, "
     "Clip with a lower bound only (torch.clamp(min=-0.25)), Linear 2."),
    ("onnx_arithmetic_std_scale", 307, 3, 14,
     lambda: Chain(_Standardize(3, 12), _ln(3, 14), nn.GRU(3, 7), nn.Linear(7, 4), _NegScaleShift(4, 13),
                   _TanhHalf()),
     "opset 14: (x - mean) / std in forward (Sub, Div on the input), a decomposed LayerNorm of it, GRU 7, "
     "Linear 4, then 1 - (-(y * 2.5) + shift) (Mul, Neg, Add, Sub) and tanh(y / 2): arithmetic layers, and "
     "functions of them."),
    ("onnx_decomposed_opset14", 304, 4, 14,
     lambda: Chain(_ln(4, 7), nn.GRU(4, 10), nn.SiLU(), nn.Linear(10, 8), nn.GELU(), nn.Linear(8, 6),
                   nn.GELU(approximate="tanh"), nn.SiLU(), nn.Softsign(), _ln(6, 8), nn.Tanh(),
                   _ln(6, 10), _ln(6, 11), nn.Linear(6, 3), nn.SiLU()),
     "opset 14, the forms PyTorch 1.13 decomposes: LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add) on "
     "the input, GRU 10, SiLU (Sigmoid, Mul), Linear 8 + GELU (Div, Erf, Add, Mul, Mul), Linear 6 + GELU "
     "tanh form, SiLU of it, Softsign (Abs, Add, Div), LayerNorm, Tanh, two LayerNorms in a row, Linear 3 "
     "+ SiLU."),
]


def torch_case(seed, input_size, opset, build):
    """(the exported bytes, the module, inputs [T, F], outputs [T, O], h_n of every GRU layer)."""
    torch.manual_seed(seed)
    net = build().eval()
    with torch.no_grad():  # PReLU's slope is 0.25 at initialisation: make it a learned-looking value
        for m in net.modules():
            if isinstance(m, nn.PReLU):
                m.weight.fill_(0.3125)
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, torch.zeros(STEPS, 1, input_size), f, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}},
                          opset_version=opset)
    inputs = np.random.default_rng(2000 + seed).standard_normal((STEPS, input_size), dtype=np.float32)
    with torch.no_grad():
        x = torch.from_numpy(inputs)[:, None]
        outputs = net(x)[:, 0].numpy()
        finals, h = [], x
        for m in net.mods:
            if isinstance(m, nn.GRU):
                h, h_n = m(h)
                finals.extend(h_n[k, 0] for k in range(m.num_layers))
            else:
                h = m(h)
    params = int(sum(p.numel() for p in net.parameters())
                 + sum(b.numel() for n, b in net.named_buffers() if "running" in n))
    return f.getvalue(), net, inputs, outputs, torch.cat(finals).numpy(), params


class LastLayerHead(nn.Module):
    """fc(h_n[-1]) of a two-layer GRU, + Sigmoid: the head reads the last layer's final state."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 8, num_layers=2)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        _, h = self.gru(x)
        return torch.sigmoid(self.fc(h[-1]))


def hn_last_case():
    """(bytes, inputs, per-step outputs (the head on every step's last-layer output), h_n, parameters) of
    onnx_hn_last_stacked2: exported with opset 14, output [batch, 2] at the last step only."""
    torch.manual_seed(305)
    net = LastLayerHead().eval()
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, torch.zeros(STEPS, 1, 3), f, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "T", 1: "B"}, "y": {0: "B"}}, opset_version=14)
    inputs = np.random.default_rng(2305).standard_normal((STEPS, 3), dtype=np.float32)
    with torch.no_grad():
        x = torch.from_numpy(inputs)[:, None]
        y, h = net.gru(x)
        outputs = torch.sigmoid(net.fc(y[:, 0])).numpy()
        own = net(x)[0].numpy()
        assert np.array_equal(own, outputs[-1]), "fc(h_n[-1]) differs from the head on the last step's y"
    params = int(sum(p.numel() for p in net.parameters()))
    return f.getvalue(), inputs, outputs, h[:, 0].reshape(-1).numpy(), params


def _gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def opset22_case(onnx_gru):
    """(model, inputs, float64 outputs, final state, parameters) of onnx_opset22_gelu."""
    rng = np.random.default_rng(303)
    in_size, H, out = 4, 9, 5
    W = (rng.standard_normal((1, 3 * H, in_size)) * 0.5).astype(np.float32)
    R = (rng.standard_normal((1, 3 * H, H)) * 0.5).astype(np.float32)
    B = (rng.standard_normal((1, 6 * H)) * 0.5).astype(np.float32)
    fc_w = (rng.standard_normal((H, out)) * 0.6).astype(np.float32)
    fc_b = (rng.standard_normal(out) * 0.3).astype(np.float32)
    slope = np.linspace(-0.2, 0.4, out).astype(np.float32)
    nodes = [
        helper.make_node("GRU", ["x", "W", "R", "B"], ["Y", ""], name="gru", hidden_size=H,
                         linear_before_reset=1),
        helper.make_node("Squeeze", ["Y", "axis1"], ["y"], name="squeeze"),
        helper.make_node("Gelu", ["y"], ["g1"], name="gelu_tanh", approximate="tanh"),
        helper.make_node("MatMul", ["g1", "fc_w"], ["mm"], name="fc_matmul"),
        helper.make_node("Add", ["mm", "fc_b"], ["fc"], name="fc_add"),
        helper.make_node("Gelu", ["fc"], ["g2"], name="gelu"),
        helper.make_node("PRelu", ["g2", "slope"], ["out"], name="prelu"),
    ]
    inits = [numpy_helper.from_array(a, n) for n, a in
             (("W", W), ("R", R), ("B", B), ("fc_w", fc_w), ("fc_b", fc_b), ("slope", slope),
              ("axis1", np.array([1], dtype=np.int64)))]
    graph = helper.make_graph(nodes, "opset22_gelu",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["T", 1, in_size])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["T", 1, out])],
                              inits)
    # onnx 1.12 writes IR version 8; opset 22 needs no later IR feature for these operators.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)],
                              producer_name="tools/onnx_layered_cases.py")
    inputs = np.random.default_rng(2303).standard_normal((STEPS, in_size), dtype=np.float32)
    X = inputs.astype(np.float64)[:, None]
    Y, Yh = onnx_gru(X, W.astype(np.float64), R.astype(np.float64), B.astype(np.float64), None, 1)
    y = Y[:, 0, 0]
    z = _gelu_tanh(y) @ fc_w.astype(np.float64) + fc_b
    g = _gelu(z)
    outputs = np.where(g >= 0, g, slope.astype(np.float64) * g)
    params = int(W.size + R.size + B.size + fc_w.size + fc_b.size + slope.size)
    return model, inputs, outputs, Yh[0, 0], params


def official_gru_node_cases(onnx_gru):
    """The four GRU node tests of Debian's onnx 1.12 (onnx/backend/test/case/node/gru.py: defaults,
    initial_bias, seq_length, batchwise), regenerated by that script's own code with its ``expect``
    captured, and written at opset 22 (GRU-22 only adds bfloat16) with W, R and B as initializers (GruTiny
    compiles constant weights; the graph's one input is X). Their batches of 3 stay in the graph; the
    reference file holds batch element 0, from our float64 ONNX GRU, checked against the script's own
    expected outputs for every element. Yields (name, model, inputs [T, F], outputs [T, H], final state,
    parameters, outputs_final_only, description)."""
    import onnx.backend.test.case.node.gru as official

    captured = []
    saved = official.expect
    official.expect = lambda node, inputs, outputs, name: captured.append((node, inputs, outputs, name))
    try:
        np.random.seed(2022)  # export_seq_length draws its weights from numpy's global generator
        for export in (official.GRU.export_defaults, official.GRU.export_initial_bias,
                       official.GRU.export_seq_length, official.GRU.export_batchwise):
            export()
    finally:
        official.expect = saved

    for node, ins, outs, test_name in captured:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        layout = attrs.get("layout", 0)
        X = ins[0]
        names = list(node.input)
        inits = [numpy_helper.from_array(np.asarray(v, dtype=np.float32), n) for n, v in zip(names[1:], ins[1:])]
        graph_outputs = [n for n in node.output if n]
        hidden = attrs["hidden_size"]
        Xs = X if layout == 0 else np.swapaxes(X, 0, 1)  # [T, batch, F]
        T, batch = Xs.shape[0], Xs.shape[1]
        dims = {"Y": [T, 1, batch, hidden] if layout == 0 else [batch, T, 1, hidden],
                "Y_h": [1, batch, hidden] if layout == 0 else [batch, 1, hidden]}
        graph = helper.make_graph(
            [node], test_name,
            [helper.make_tensor_value_info(names[0], TensorProto.FLOAT, list(X.shape))],
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, dims[n]) for n in graph_outputs], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)],
                                  producer_name="tools/onnx_layered_cases.py (onnx 1.12 gru.py)")
        W = ins[1].astype(np.float64)
        R = ins[2].astype(np.float64)
        B = ins[3].astype(np.float64) if len(ins) > 3 else None
        Y, Yh = onnx_gru(Xs.astype(np.float64), W, R, B, None, attrs.get("linear_before_reset", 0))
        expected_h = outs[-1] if layout == 0 else np.swapaxes(outs[-1], 0, 1)
        d = float(np.max(np.abs(Yh - expected_h)))
        assert d < 1e-6, f"{test_name}: float64 ONNX GRU vs the official expected Y_h differ by {d}"
        final_only = "Y" not in graph_outputs
        params = int(sum(np.asarray(v).size for v in ins[1:]))
        name = "onnx_official_" + test_name[len("test_"):] + "_opset22"
        description = (f"onnx 1.12's {test_name} (batch {batch}, {T} step(s), hidden {hidden}"
                       f"{', layout 1' if layout else ''}) at opset 22, weights as initializers; "
                       "reference: batch element 0.")
        yield (name, model, Xs[:, 0].astype(np.float32), Y[:, 0, 0], Yh[0, 0], params, final_only, description)


class _H0(nn.Module):
    """An nn.GRU from a learned initial state h0 [num_layers, 1, H], passed as users write it: expanded to
    the batch (``expand``), tiled to it (``repeat``) or as it is (``plain``, batch 1), then a head."""

    def __init__(self, gru, head, mode):
        super().__init__()
        self.gru, self.head, self.mode = gru, head, mode
        self.h0 = nn.Parameter(torch.randn(gru.num_layers, 1, gru.hidden_size) * 0.8)

    def forward(self, x):
        batch = x.size(0) if self.gru.batch_first else x.size(1)
        if self.mode == "expand":
            h0 = self.h0.expand(-1, batch, -1).contiguous()
        elif self.mode == "repeat":
            h0 = self.h0.repeat(1, batch, 1)
        else:
            h0 = self.h0
        return self.head(self.gru(x, h0)[0])


# name, seed, input size, module builder, description.
H0_CASES = [
    ("onnx_h0_expand_bf_stacked2", 308, 3,
     lambda: _H0(nn.GRU(3, 8, num_layers=2, batch_first=True), nn.Linear(8, 2), "expand"),
     "opset 14: nn.GRU(num_layers=2, batch_first) from a learned h0 expanded to the batch "
     "(Shape, Gather, Concat, Equal, Where, Expand, then a Slice per layer), Linear 2."),
    ("onnx_h0_repeat", 309, 4,
     lambda: _H0(nn.GRU(4, 6), nn.Sequential(nn.Linear(6, 3), nn.Tanh()), "repeat"),
     "opset 14: GRU 6 from a learned h0 tiled to the batch (h0.repeat(1, n, 1): Expand, Tile), "
     "Linear 3 + Tanh."),
    ("onnx_h0_plain_stacked2", 310, 3,
     lambda: _H0(nn.GRU(3, 5, num_layers=2), nn.Linear(5, 2), "plain"),
     "opset 14: nn.GRU(num_layers=2) from a learned h0 of batch 1 passed as it is (an initializer per "
     "layer), Linear 2."),
    ("onnx_h0_expand_single", 313, 3,
     lambda: _H0(nn.GRU(3, 6), nn.Linear(6, 2), "expand"),
     "opset 14: one GRU 6 (time first) from a learned h0 [1, 1, 6] expanded to the batch: no Slice, so the "
     "-1s PyTorch writes into the shape must be read as -1, Linear 2."),
]


def h0_case(seed, input_size, build):
    """(bytes, inputs [T, F], outputs [T, O], h_n of every layer, parameters) of an H0_CASES module,
    exported with opset 14 and dynamic batch and time axes; reference: the module in float32."""
    torch.manual_seed(seed)
    net = build().eval()
    batch_first = net.gru.batch_first
    dummy = torch.zeros((1, STEPS, input_size) if batch_first else (STEPS, 1, input_size))
    axes = {0: "B", 1: "T"} if batch_first else {0: "T", 1: "B"}
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, dummy, f, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": axes, "y": axes}, opset_version=14)
    inputs = np.random.default_rng(2000 + seed).standard_normal((STEPS, input_size), dtype=np.float32)
    with torch.no_grad():
        x = torch.from_numpy(inputs)
        x = x[None] if batch_first else x[:, None]
        y = net(x)
        outputs = (y[0] if batch_first else y[:, 0]).numpy()
        _, h_n = net.gru(x, net.h0)
    params = int(sum(p.numel() for n, p in net.named_parameters() if n != "h0"))
    return f.getvalue(), inputs, outputs, h_n[:, 0].reshape(-1).numpy(), params


def clip_node_cases(onnx_gru):
    """GRU nodes with ONNX's clip and a constant initial_h, which PyTorch cannot write: the reference is our
    float64 ONNX GRU (``onnx_cases.onnx_gru``). Yields (name, model, inputs [T, F], outputs [T, H], final
    state, parameters, linear_before_reset, description)."""
    for name, seed, layout, lbr, clip, in_size, H, description in (
            ("onnx_node_clip_cho_h0", 311, 0, 0, 0.6, 3, 7,
             "GRU node (by hand) with clip 0.6, linear_before_reset 0 and a constant initial_h [1, 1, 7]; "
             "float64 reference of ONNX's equations."),
            ("onnx_node_clip_layout1_h0", 312, 1, 1, 1.5, 4, 6,
             "GRU node (by hand), layout 1 (batch first), clip 1.5, linear_before_reset 1, a constant "
             "initial_h [1, 1, 6] and no Y_h; float64 reference of ONNX's equations.")):
        rng = np.random.default_rng(seed)
        W = (rng.standard_normal((1, 3 * H, in_size)) * 1.2).astype(np.float32)
        R = (rng.standard_normal((1, 3 * H, H)) * 1.2).astype(np.float32)
        B = (rng.standard_normal((1, 6 * H)) * 0.8).astype(np.float32)
        h0 = rng.uniform(-0.9, 0.9, (1, 1, H)).astype(np.float32)
        x_dims = ["T", 1, in_size] if layout == 0 else [1, "T", in_size]
        y_dims = ["T", 1, 1, H] if layout == 0 else [1, "T", 1, H]
        nodes = [helper.make_node("GRU", ["x", "W", "R", "B", "", "h0"], ["Y"], name="gru", hidden_size=H,
                                  linear_before_reset=lbr, clip=clip, layout=layout)]
        inits = [numpy_helper.from_array(a, n) for n, a in (("W", W), ("R", R), ("B", B), ("h0", h0))]
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_dims)],
                                  [helper.make_tensor_value_info("Y", TensorProto.FLOAT, y_dims)], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)],
                                  producer_name="tools/onnx_layered_cases.py")
        inputs = np.random.default_rng(2000 + seed).standard_normal((STEPS, in_size), dtype=np.float32)
        Y, Yh = onnx_gru(inputs.astype(np.float64)[:, None], W, R, B, h0, lbr, clip)
        assert np.any(np.abs(Y) > 0) and clip < 3
        params = int(W.size + R.size + B.size)
        yield name, model, inputs, Y[:, 0, 0], Yh[0, 0], params, bool(lbr), description
