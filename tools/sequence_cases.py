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

    def validate(name, m):
        if validator is not None:
            errors = sorted(validator.iter_errors(m), key=lambda e: list(e.path))
            assert not errors, f"{name}: schema: {errors[0].message}"

    for name, seed, input_size, build, check, description in TORCH_CASES:
        torch.manual_seed(seed)
        module = build().eval()
        model_file = f"{name}.gru.json"
        case = {"name": name, "seed": seed, "description": description}
        m = ge.export(module, path=os.path.join(seq_dir, model_file), metadata=case_metadata(case),
                      self_check=check, initial_state=module.h0)
        validate(name, m)
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
    validate(name, m)
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
