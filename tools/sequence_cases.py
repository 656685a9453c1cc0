"""Reference models that read whole sequences (``sequence/``), written by make_reference.py: reverse and
bidirectional GRUs, which GruTiny compiles as ``IGruSequenceModel`` types (``Run`` and ``RunFinal`` of whole
sequences, no ``Step``).

* PyTorch cases: modules with ``nn.GRU(bidirectional=True)``, exported with ``tools/grutiny_export.py`` (whose
  parity check runs the file's layers against the module's own ``forward``); reference outputs: the modules in
  float32 on the whole sequence (batch 1), every step's output -- what ``Run`` returns.
* Cases PyTorch cannot express (a GRU with direction ``reverse``, after a forward one; clip; initial states),
  assembled with the exporter's helpers; reference: ONNX's GRU equations in float64 (``onnx_cases.onnx_gru``,
  run over the reversed sequence for the reverse direction).

Written into ``<out>/sequence/``: ``<name>.gru.json``, ``<name>.ref.json`` (the format of the other cases;
``final_state`` holds h_n, every direction's final state, for information) and ``sequence_cases.json``.
"""

import json
import os

import numpy as np
import torch
import torch.nn as nn

import grutiny_export as ge
import layered_cases
import onnx_cases

SEQUENCE_DIR = "sequence"
STEPS = 60


class _Bi(nn.Module):
    """A bidirectional nn.GRU (batch_first) and a head on every step, or on the last step only (``last``);
    an optional learned h0 expanded to the batch."""

    def __init__(self, gru, head, last=False, h0=False):
        super().__init__()
        self.gru, self.head, self.last = gru, head, last
        self.h0 = nn.Parameter(torch.randn(2 * gru.num_layers, 1, gru.hidden_size) * 0.7) if h0 else None

    def forward(self, x):
        h0 = None if self.h0 is None else self.h0.expand(-1, x.size(0), -1).contiguous()
        y = self.gru(x, h0)[0]
        return self.head(y[:, -1] if self.last else y)


# name, seed, input size, builder, self-check, description.
TORCH_CASES = [
    ("bi_in3_h6_linear2", 60, 3,
     lambda: _Bi(nn.GRU(3, 6, batch_first=True, bidirectional=True), nn.Linear(12, 2)), True,
     "nn.GRU(3, 6, bidirectional=True) (each direction 6 units: the reverse half's rows start inside the "
     "forward half's padding), Linear 2 on every step; with the self-check of the module's forward."),
    ("bi_stacked2_h0_in4_h8_tanh3", 61, 4,
     lambda: _Bi(nn.GRU(4, 8, num_layers=2, batch_first=True, bidirectional=True),
                 nn.Sequential(nn.Linear(16, 3), nn.Tanh()), h0=True), False,
     "nn.GRU(4, 8, num_layers=2, bidirectional=True) from a learned h0 [4, 1, 8], Linear 3 + Tanh."),
    ("bi_classifier_in5_h12_softmax4", 62, 5,
     lambda: _Bi(nn.GRU(5, 12, batch_first=True, bidirectional=True),
                 nn.Sequential(nn.Linear(24, 4), nn.Softmax(dim=-1)), last=True), True,
     "nn.GRU(5, 12, bidirectional=True), Linear 4 + Softmax on the last step only (forward returns "
     "head(y[:, -1])); the self-check holds the output at the last step of every prefix."),
]


def _torch_reference(module, inputs):
    """(every step's output [T][out], h_n) of a _Bi module on one sequence: the head on every step of y."""
    with torch.no_grad():
        x = torch.from_numpy(inputs)[None]
        h0 = None if module.h0 is None else module.h0.expand(-1, 1, -1).contiguous()
        y, h_n = module.gru(x, h0)
        return module.head(y[0]).numpy(), h_n[:, 0].reshape(-1).numpy()


def _reverse_case(seed):
    """gru 6 forward (linear_before_reset) then gru 5 reverse (Cho, clip 0.8, an initial state) then dense 2:
    (layers, reference run). The reverse layer's reference is ONNX's GRU on the reversed sequence."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    g1, g2, fc = nn.GRU(3, 6), nn.GRU(6, 5), nn.Linear(5, 2)
    w = lambda t, k=1.0: t.detach().numpy() * k
    h0 = rng.uniform(-0.9, 0.9, 5).astype(np.float32)
    layers = [ge.gru_layer(w(g1.weight_ih_l0), w(g1.weight_hh_l0), w(g1.bias_ih_l0), w(g1.bias_hh_l0)),
              ge.gru_layer(w(g2.weight_ih_l0, 3), w(g2.weight_hh_l0, 3), w(g2.bias_ih_l0, 3), w(g2.bias_hh_l0, 3),
                           linear_before_reset=False, clip=0.8, initial_state=h0, direction="reverse"),
              ge.dense_layer(fc.weight, fc.bias, "linear")]

    def gru(x, layer, reverse=False):
        f32 = lambda key: None if key not in layer else np.asarray(layer[key], np.float32)
        h = layer["hidden_size"]
        zrh = lambda key: None if key not in layer else onnx_cases.zrh_to_rzn(f32(key), h)[None]
        b = np.concatenate([zrh("bias_ih"), zrh("bias_hh")], axis=1)
        h0 = None if "initial_state" not in layer else f32("initial_state")[None, None]
        xs = x[::-1] if reverse else x
        y, h_n = onnx_cases.onnx_gru(xs[:, None], zrh("weight_ih"), zrh("weight_hh"), b, h0,
                                     int(layer["linear_before_reset"]), layer.get("clip"))
        y = y[:, 0, 0]
        return (y[::-1] if reverse else y), h_n[0, 0]

    def run(inputs):
        x = np.asarray(inputs, np.float64)
        y1, _ = gru(x, layers[0])
        y2, h2 = gru(y1, layers[1], reverse=True)
        out = y2 @ fc.weight.detach().numpy().astype(np.float64).T + fc.bias.detach().numpy().astype(np.float64)
        return out, h2

    return layers, run


REVERSE_CASE = ("reverse_cho_clip_h0_in3_h6_h5_linear2", 63,
                "gru 6 forward, then gru 5 with direction reverse (linear_before_reset false, clip 0.8, an "
                "initial state), dense 2 linear; float64 reference of ONNX's equations over the reversed "
                "sequence.")


def write_sequence_cases(out_dir, validator, write_reference, case_metadata):
    seq_dir = os.path.join(out_dir, SEQUENCE_DIR)
    os.makedirs(seq_dir, exist_ok=True)
    index = []

    for name, seed, input_size, build, check, description in TORCH_CASES:
        torch.manual_seed(seed)
        module = build().eval()
        model_file = f"{name}.gru.json"
        case = {"name": name, "seed": seed, "description": description}
        m = ge.export(module, path=os.path.join(seq_dir, model_file), metadata=case_metadata(case),
                      self_check=check, initial_state=module.h0)
        layered_cases.validate(validator, name, m)
        inputs = np.random.default_rng(1000 + seed).standard_normal((STEPS, input_size), dtype=np.float32)
        outputs, h_n = _torch_reference(module, inputs)
        write_reference(os.path.join(seq_dir, f"{name}.ref.json"), model_file, inputs, outputs, h_n,
                        outputs_f32=True)
        index.append({"name": name, "description": description, "input_size": input_size,
                      "output_size": int(outputs.shape[1]), "params": ge.parameter_count(m)})
        print(f"  {name}: {' -> '.join(l['type'] + ('/' + l['direction'] if 'direction' in l else '') for l in m['layers'])}, "
              f"{ge.parameter_count(m)} parameters")

    name, seed, description = REVERSE_CASE
    layers, run = _reverse_case(seed)
    m = ge.model(3, layers, case_metadata({"name": name, "seed": seed, "description": description}))
    model_file = f"{name}.gru.json"
    ge.write(m, os.path.join(seq_dir, model_file))
    layered_cases.validate(validator, name, m)
    inputs = np.random.default_rng(1000 + seed).standard_normal((STEPS, 3), dtype=np.float32)
    outputs, h_n = run(inputs)
    write_reference(os.path.join(seq_dir, f"{name}.ref.json"), model_file, inputs, outputs, h_n,
                    outputs_f32=False)
    index.append({"name": name, "description": description, "input_size": 3, "output_size": 2,
                  "params": ge.parameter_count(m)})
    print(f"  {name}: gru -> gru/reverse -> dense, {ge.parameter_count(m)} parameters")

    with open(os.path.join(seq_dir, "sequence_cases.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")
    print(f"{len(index)} sequence cases in {seq_dir}")


# ---- ONNX: GRU nodes with direction reverse / bidirectional -------------------------------------------------

class _BiOnnx(nn.Module):
    """For torch.onnx.export: a bidirectional nn.GRU, a head on every step or on the last step (y[:, -1]), an
    optional learned h0 expanded to the batch."""

    def __init__(self, gru, head, last=False, h0=False):
        super().__init__()
        self.gru, self.head, self.last = gru, head, last
        self.h0 = nn.Parameter(torch.randn(2 * gru.num_layers, 1, gru.hidden_size) * 0.7) if h0 else None

    def forward(self, x):
        batch = x.size(0) if self.gru.batch_first else x.size(1)
        h0 = None if self.h0 is None else self.h0.expand(-1, batch, -1).contiguous()
        y = self.gru(x, h0)[0]
        if self.last:
            y = y[:, -1] if self.gru.batch_first else y[-1]
        return self.head(y)


# name, seed, input size, builder, description.
ONNX_TORCH_CASES = [
    ("onnx_bi_stacked2_bf", 64, 3,
     lambda: _BiOnnx(nn.GRU(3, 6, num_layers=2, batch_first=True, bidirectional=True), nn.Linear(12, 2)),
     "opset 14: nn.GRU(3, 6, num_layers=2, batch_first, bidirectional): GRU nodes with direction bidirectional, "
     "Y transposed to [T, B, 2, H] and reshaped to [T, B, 2H]; Linear 2 on every step."),
    ("onnx_bi_classifier_h0", 65, 4,
     lambda: _BiOnnx(nn.GRU(4, 8, bidirectional=True), nn.Sequential(nn.Linear(16, 3), nn.Softmax(dim=-1)),
                     last=True, h0=True),
     "opset 14: nn.GRU(4, 8, bidirectional) from a learned h0 [2, 1, 8] expanded to the batch, Linear 3 + "
     "Softmax on y[-1]; reference per step: the head on every step's output of the whole sequence."),
]


def _onnx_torch_case(seed, input_size, build):
    import io
    import warnings
    torch.manual_seed(seed)
    net = build().eval()
    bf = net.gru.batch_first
    dummy = torch.zeros((1, 16, input_size) if bf else (16, 1, input_size))
    axes = {0: "B", 1: "T"} if bf else {0: "T", 1: "B"}
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, dummy, f, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": axes, "y": axes if not net.last else {0: "B"}}, opset_version=14)
    inputs = np.random.default_rng(2000 + seed).standard_normal((STEPS, input_size), dtype=np.float32)
    with torch.no_grad():
        x = torch.from_numpy(inputs)
        x = x[None] if bf else x[:, None]
        h0 = None if net.h0 is None else net.h0
        y, h_n = net.gru(x, h0)
        y = y[0] if bf else y[:, 0]
        outputs = net.head(y).numpy()
        own = net(x)
        if net.last:
            assert np.array_equal(own[0].numpy(), outputs[-1]), "the head on y[-1] differs from forward"
    params = int(sum(p.numel() for n, p in net.named_parameters() if n != "h0"))
    return f.getvalue(), inputs, outputs, h_n[:, 0].reshape(-1).numpy(), params


def _onnx_node_cases():
    """GRU nodes written by hand: direction reverse (clip, initial_h, linear_before_reset 0) and bidirectional
    with layout 1 (initial_h [batch, 2, H]); reference: onnx_cases.onnx_gru per direction, the reverse one over
    the reversed sequence, in float64. Yields (name, model, inputs, outputs, h_n, parameters, description)."""
    from onnx import TensorProto, helper, numpy_helper
    for name, seed, direction, layout, lbr, clip, in_size, H, description in (
            ("onnx_node_reverse_clip_h0", 66, "reverse", 0, 0, 0.7, 3, 7,
             "GRU node (by hand), direction reverse, clip 0.7, linear_before_reset 0, a constant initial_h; "
             "float64 reference of ONNX's equations over the reversed sequence."),
            ("onnx_node_bidirectional_layout1", 67, "bidirectional", 1, 1, None, 4, 5,
             "GRU node (by hand), direction bidirectional with its activations written out for both directions, "
             "layout 1 (Y [batch, seq, 2, H] reshaped to [batch, seq, 2H]), linear_before_reset 1, initial_h "
             "[1, 2, 5]; float64 reference.")):
        rng = np.random.default_rng(seed)
        D = 2 if direction == "bidirectional" else 1
        W = (rng.standard_normal((D, 3 * H, in_size)) * 1.1).astype(np.float32)
        R = (rng.standard_normal((D, 3 * H, H)) * 1.1).astype(np.float32)
        B = (rng.standard_normal((D, 6 * H)) * 0.7).astype(np.float32)
        h0 = rng.uniform(-0.9, 0.9, (D, 1, H) if layout == 0 else (1, D, H)).astype(np.float32)
        attrs = dict(hidden_size=H, linear_before_reset=lbr, direction=direction, layout=layout)
        if direction == "bidirectional":  # written out, per direction; onnx.helper orders attributes by name
            attrs["activations"] = ["Sigmoid", "Tanh", "Sigmoid", "Tanh"]
        if clip is not None:
            attrs["clip"] = clip
        x_dims = ["T", 1, in_size] if layout == 0 else [1, "T", in_size]
        nodes = [helper.make_node("GRU", ["x", "W", "R", "B", "", "h0"], ["Y"], name="gru", **attrs)]
        inits = [numpy_helper.from_array(a, n) for n, a in (("W", W), ("R", R), ("B", B), ("h0", h0))]
        if layout == 0:  # [T, 1, 1, H] -> [T, 1, H]
            nodes.append(helper.make_node("Squeeze", ["Y", "axis1"], ["out"], name="squeeze"))
            inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"))
            out_dims = ["T", 1, H]
        else:  # [1, T, 2, H] -> [1, T, 2H]
            nodes.append(helper.make_node("Reshape", ["Y", "shape"], ["out"], name="merge_directions"))
            inits.append(numpy_helper.from_array(np.array([0, 0, -1], dtype=np.int64), "shape"))
            out_dims = [1, "T", D * H]
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_dims)],
                                  [helper.make_tensor_value_info("out", TensorProto.FLOAT, out_dims)], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)],
                                  producer_name="tools/sequence_cases.py")
        inputs = np.random.default_rng(2000 + seed).standard_normal((STEPS, in_size), dtype=np.float32)
        x = inputs.astype(np.float64)[:, None]
        h0d = h0 if layout == 0 else np.swapaxes(h0, 0, 1)  # [D, 1, H]
        halves, finals = [], []
        for d in range(D):
            reverse = direction == "reverse" or d == 1
            xs = x[::-1] if reverse else x
            y, h_n = onnx_cases.onnx_gru(xs, W[d:d + 1], R[d:d + 1], B[d:d + 1], h0d[d:d + 1], lbr, clip)
            y = y[:, 0, 0]
            halves.append(y[::-1] if reverse else y)
            finals.append(h_n[0, 0])
        outputs = np.concatenate(halves, axis=1)
        yield name, model, inputs, outputs, np.concatenate(finals), int(W.size + R.size + B.size), description


def write_onnx_sequence_cases(out_dir, write_reference):
    """The ONNX cases into <out>/sequence/ (added to its sequence_cases.json)."""
    import onnx
    seq_dir = os.path.join(out_dir, SEQUENCE_DIR)
    index_path = os.path.join(seq_dir, "sequence_cases.json")
    with open(index_path, encoding="utf-8") as f:
        index = json.load(f)
    cases = []
    for name, seed, input_size, build, description in ONNX_TORCH_CASES:
        data, inputs, outputs, h_n, params = _onnx_torch_case(seed, input_size, build)
        onnx.checker.check_model(onnx.load_from_string(data))
        cases.append((name, data, inputs, outputs, h_n, params, description, True))
    for name, model, inputs, outputs, h_n, params, description in _onnx_node_cases():
        onnx.checker.check_model(model)
        cases.append((name, model.SerializeToString(), inputs, outputs, h_n, params, description, False))
    for name, data, inputs, outputs, h_n, params, description, f32 in cases:
        with open(os.path.join(seq_dir, f"{name}.onnx"), "wb") as f:
            f.write(data)
        write_reference(os.path.join(seq_dir, f"{name}.ref.json"), f"{name}.onnx", inputs, outputs, h_n,
                        outputs_f32=f32)
        index.append({"name": name, "description": description, "input_size": int(inputs.shape[1]),
                      "output_size": int(outputs.shape[1]), "params": params})
        print(f"  {name}: {params} parameters")
    with open(index_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")
    print(f"{len(cases)} ONNX sequence cases in {seq_dir}")
