"""Reference models whose layers come in any order (``layered/``), written by make_reference.py.

Each case is an ``nn.Sequential`` of PyTorch 1.13 modules: ``nn.Linear`` before, between and
after GRUs, ``nn.LayerNorm``, ``nn.BatchNorm1d`` (eval mode, with running statistics drawn at
random so that it is not the identity) and every activation GruTiny compiles, alone or after an
``nn.Linear``.  It is exported with ``tools/grutiny_export.py`` (``export`` runs the modules
against the layers it read and refuses a mismatch), and its reference outputs are the modules
themselves run in float32 with one thread: each GRU over the whole sequence (batch 1, zero
initial state), every other module on the [T][F] rows of per-step features.  Written into
``<out>/layered/``: ``<name>.gru.json``, ``<name>.ref.json`` (the format of the other cases) and
``layered_cases.json``.
"""

import json
import os

import numpy as np
import torch
import torch.nn as nn

import grutiny_export as ge
import onnx_cases

LAYERED_DIR = "layered"
STEPS = 60


def batch_norm(features, seed):
    """An eval-mode BatchNorm1d whose statistics and affine map are not trivial."""
    g = torch.Generator().manual_seed(seed)
    bn = nn.BatchNorm1d(features)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(features, generator=g) * 0.5)
        bn.running_var.copy_(torch.rand(features, generator=g) * 1.8 + 0.2)
        bn.weight.copy_(torch.randn(features, generator=g) * 0.5 + 1)
        bn.bias.copy_(torch.randn(features, generator=g) * 0.3)
    return bn.eval()


def layer_norm(features, seed, affine=True):
    g = torch.Generator().manual_seed(seed)
    ln = nn.LayerNorm(features, elementwise_affine=affine)
    if affine:
        with torch.no_grad():
            ln.weight.copy_(torch.randn(features, generator=g) * 0.5 + 1)
            ln.bias.copy_(torch.randn(features, generator=g) * 0.3)
    return ln


def _prelu(features, seed):
    g = torch.Generator().manual_seed(seed)
    p = nn.PReLU(features)
    with torch.no_grad():
        p.weight.copy_(torch.rand(features, generator=g) * 0.6 - 0.1)  # some negative slopes too
    return p


# name, seed, input size, modules (built after torch.manual_seed(seed)), description.
LAYERED_CASES = [
    ("front_linear_relu_in6_d10_h16_linear2", 41, 6,
     lambda: [nn.Linear(6, 10), nn.ReLU(), nn.GRU(10, 16), nn.Linear(16, 2)],
     "Linear 10 + ReLU before the GRU (a feature-mixing front end), gru 16, dense 2 linear."),
    ("gru_dense_gru_in3_h12_tanh7_h9_softmax4", 42, 3,
     lambda: [nn.GRU(3, 12), nn.Linear(12, 7), nn.Tanh(), nn.GRU(7, 9), nn.Linear(9, 4),
              nn.Softmax(dim=-1)],
     "Two GRU blocks separated by a dense layer: gru 12, dense 7 tanh, gru 9, dense 4 softmax."),
    ("dense_then_gru_last_in2_d5_h6", 43, 2,
     lambda: [nn.Linear(2, 5), nn.Tanh(), nn.GRU(5, 6)],
     "Dense 5 tanh, then gru 6 as the last layer (the output is its hidden state)."),
    ("layernorm_in5_ln_h13_ln_gelu8_linear3", 44, 5,
     lambda: [layer_norm(5, 1), nn.GRU(5, 13), layer_norm(13, 2), nn.Linear(13, 8), nn.GELU(), nn.Linear(8, 3)],
     "LayerNorm on the input, gru 13, LayerNorm, dense 8 gelu (erf form), dense 3 linear."),
    ("batchnorm_in4_bn_h11_bn_silu_linear2", 45, 4,
     lambda: [batch_norm(4, 3), nn.GRU(4, 11), batch_norm(11, 4), nn.SiLU(), nn.Linear(11, 2)],
     "BatchNorm1d (eval) on the input, gru 11, BatchNorm1d, SiLU alone, dense 2 linear."),
    ("acts_in3_h10_leaky_elu9_hardtanh_hsig6_logsoftmax5", 46, 3,
     lambda: [nn.GRU(3, 10), nn.LeakyReLU(0.2), nn.Linear(10, 9), nn.ELU(0.7),
              nn.Hardtanh(-0.5, 0.8), nn.Linear(9, 6), nn.Hardsigmoid(), nn.Linear(6, 5),
              nn.LogSoftmax(dim=-1)],
     "gru 10, leaky_relu 0.2 alone, dense 9 elu 0.7, hardtanh [-0.5, 0.8] alone, dense 6 "
     "hardsigmoid, dense 5 log_softmax."),
    ("acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh", 47, 4,
     lambda: [nn.Linear(4, 7), _prelu(7, 5), nn.GRU(7, 9), nn.PReLU(), nn.Linear(9, 6),
              nn.GELU(approximate="tanh"), nn.Softsign(), nn.Linear(6, 6), nn.ReLU6(),
              nn.Sigmoid(), nn.Linear(6, 5), nn.Tanh(), nn.Identity(), nn.Softmax(dim=-1)],
     "dense 7 prelu (7 slopes), gru 9, prelu (1 slope) alone, dense 6 gelu tanh form, "
     "softsign alone, dense 6 relu6 (hardtanh 0..6), sigmoid alone, dense 5 tanh, softmax alone."),
    ("stacked_gru_ln_in8_h16x2_ln_relu_linear4", 48, 8,
     lambda: [nn.GRU(8, 16, num_layers=2), layer_norm(16, 6, affine=False), nn.ReLU(), nn.Linear(16, 4)],
     "nn.GRU(num_layers=2) 16+16, LayerNorm without affine, relu alone, dense 4 linear."),
]


def _run(modules, inputs):
    """The modules on one sequence as the reference: (outputs [T][out], every GRU layer's h_n)."""
    with torch.no_grad():
        x = torch.from_numpy(inputs)
        finals = []
        for m in modules:
            if isinstance(m, nn.GRU):
                y, h_n = m(x[:, None])
                x = y[:, 0]
                finals.extend(h_n[k, 0] for k in range(m.num_layers))
            else:
                x = m(x)
        return x.numpy(), torch.cat(finals).numpy()


def _arithmetic_case(seed):
    """gru/1 with arithmetic layers, assembled with the exporter's helpers (no module holds constant
    arithmetic): (x - mean) / std on the input, gru 7, dense 4 linear, then * 2.5 and + b. Reference: the same
    operations in PyTorch, float32, in the same order."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    mean = torch.randn(3, generator=g) * 5 + 10
    std = torch.rand(3, generator=g) * 3 + 0.5
    shift = torch.randn(4, generator=g)
    gru, fc = nn.GRU(3, 7), nn.Linear(7, 4)
    layers = [ge.arithmetic_layer([("sub", mean), ("div", std)])] + ge._gru_layers(gru, "gru") + [
        ge.dense_layer(fc.weight, fc.bias, "linear"), ge.arithmetic_layer([("mul", [2.5]), ("add", shift)])]

    def run(inputs):
        with torch.no_grad():
            x = (torch.from_numpy(inputs) - mean) / std
            y, h_n = gru(x[:, None])
            return (fc(y[:, 0]) * 2.5 + shift).numpy(), h_n[0, 0].numpy()

    return layers, run


ARITHMETIC_CASE = ("arithmetic_in3_std_h7_linear4_scale_shift", 49, 3,
                   "arithmetic (x - mean) / std on the input (raw inputs around the mean), gru 7, dense 4 "
                   "linear, arithmetic * 2.5 then + a shift per output.")


class _LearnedH0(nn.Module):
    """An nn.GRU (batch_first) from a learned initial state h0 [num_layers, 1, H], expanded to the
    batch as users write it, then a head."""

    def __init__(self, gru, head):
        super().__init__()
        self.gru = gru
        self.head = head
        self.h0 = nn.Parameter(torch.randn(gru.num_layers, 1, gru.hidden_size) * 0.8)

    def forward(self, x):
        h0 = self.h0.expand(-1, x.size(0), -1).contiguous()
        return self.head(self.gru(x, h0)[0])


# Learned initial states, exported with export(..., initial_state=...) and run by the module's own
# forward (the reference). name, seed, input size, module builder, self-check, description.
INITIAL_STATE_CASES = [
    ("h0_in3_h10_linear2", 50, 3,
     lambda: _LearnedH0(nn.GRU(3, 10, batch_first=True), nn.Linear(10, 2)), True,
     "gru 10 from a learned h0 (nn.Parameter expanded to the batch in forward), dense 2 linear; "
     "with the self-check of the module's forward."),
    ("h0_stacked2_in4_h8x2_tanh3", 51, 4,
     lambda: _LearnedH0(nn.GRU(4, 8, num_layers=2, batch_first=True),
                        nn.Sequential(nn.Linear(8, 3), nn.Tanh())), False,
     "nn.GRU(num_layers=2) 8+8 from a learned h0 [2, 1, 8], dense 3 tanh."),
]


def _clip_case(seed, clip_layers):
    """Assembled with the exporter's helpers: the GRU layers ``clip_layers`` describes (hidden size,
    linear_before_reset, clip or None, with an initial state), weights drawn as nn.GRU draws them and
    tripled so that gate inputs reach the clip, then a dense 3 linear.  Reference: the GRU
    equations of ONNX in float64 (``onnx_cases.onnx_gru``) and the dense layer in float64."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layers, steps = [], []
    width = 4
    for hidden, lbr, clip, with_h0 in clip_layers:
        g = nn.GRU(width, hidden)
        w_ih, w_hh = (g.weight_ih_l0.detach().numpy() * 3), (g.weight_hh_l0.detach().numpy() * 3)
        b_ih, b_hh = g.bias_ih_l0.detach().numpy() * 3, g.bias_hh_l0.detach().numpy() * 3
        h0 = rng.uniform(-0.9, 0.9, hidden).astype(np.float32) if with_h0 else None
        layer = ge.gru_layer(w_ih, w_hh, b_ih, b_hh, linear_before_reset=lbr, clip=clip, initial_state=h0)
        layers.append(layer)
        steps.append(layer)
        width = hidden
    fc = nn.Linear(width, 3)
    layers.append(ge.dense_layer(fc.weight, fc.bias, "linear"))

    def run(inputs):
        x, finals = np.asarray(inputs, np.float64), []
        for layer in steps:
            f32 = lambda key: None if key not in layer else np.asarray(layer[key], np.float32)
            hidden = layer["hidden_size"]
            # PyTorch's gate order r, z, n as ONNX's z, r, h (the swap is its own inverse).
            zrh = lambda key: None if key not in layer else onnx_cases.zrh_to_rzn(f32(key), hidden)[None]
            b = None if "bias_ih" not in layer else np.concatenate([zrh("bias_ih"), zrh("bias_hh")], axis=1)
            h0 = None if "initial_state" not in layer else f32("initial_state")[None, None]
            y, h = onnx_cases.onnx_gru(x[:, None], zrh("weight_ih"), zrh("weight_hh"), b, h0,
                                       int(layer["linear_before_reset"]), layer.get("clip"))
            x = y[:, 0, 0]
            finals.append(h[0, 0])
        w = fc.weight.detach().numpy().astype(np.float64)
        b = fc.bias.detach().numpy().astype(np.float64)
        return x @ w.T + b, np.concatenate(finals)

    return layers, run


# ONNX's clip, which no PyTorch module has: (name, seed, GRU layers, description).
CLIP_CASES = [
    ("clip_in4_h12_linear3", 52, [(12, True, 0.5, False)],
     "gru 12 (linear_before_reset) with clip 0.5, dense 3 linear; float64 reference of ONNX's equations."),
    ("clip_cho_h0_in4_h9_h5_linear3", 53, [(9, False, 0.7, True), (5, True, None, True)],
     "gru 9 (linear_before_reset false) with clip 0.7 and an initial state, gru 5 with an initial "
     "state, dense 3 linear; float64 reference of ONNX's equations."),
]


def validate(validator, name, m):
    """Check a model dict against docs/model-format.schema.json (when jsonschema is installed)."""
    if validator is not None:
        errors = sorted(validator.iter_errors(m), key=lambda e: list(e.path))
        assert not errors, f"{name}: schema: {errors[0].message}"


def write_layered_cases(out_dir, validator, write_reference, case_metadata):
    layered_dir = os.path.join(out_dir, LAYERED_DIR)
    os.makedirs(layered_dir, exist_ok=True)
    index = []
    for name, seed, input_size, build, description in LAYERED_CASES:
        torch.manual_seed(seed)
        modules = build()
        for m in modules:
            m.eval()
        model_file = f"{name}.gru.json"
        model_path = os.path.join(layered_dir, model_file)
        case = {"name": name, "seed": seed, "description": description}
        # self_check=False: the tests check these models against their .ref.json files.
        ge.export(nn.Sequential(*modules), path=model_path, metadata=case_metadata(case),
                  self_check=False)
        with open(model_path, encoding="utf-8") as f:
            m = json.load(f)
        assert m["input_size"] == input_size, f"{name}: input_size"
        validate(validator, name, m)
        rng = np.random.default_rng(1000 + seed)
        inputs = rng.standard_normal((STEPS, input_size), dtype=np.float32)
        outputs, final_state = _run(modules, inputs)
        write_reference(os.path.join(layered_dir, f"{name}.ref.json"), model_file,
                        inputs, outputs, final_state, outputs_f32=True)
        hidden = [l["hidden_size"] for l in m["layers"] if l["type"] == "gru"]
        index.append({"name": name, "description": description, "input_size": input_size,
                      "output_size": int(outputs.shape[1]), "hidden_sizes": hidden,
                      "linear_before_reset": True, "params": ge.parameter_count(m)})
        print(f"  {name}: {' -> '.join(l['type'] for l in m['layers'])}, "
              f"{ge.parameter_count(m)} parameters")
    for name, seed, input_size, build, check, description in INITIAL_STATE_CASES:
        torch.manual_seed(seed)
        module = build().eval()
        model_file = f"{name}.gru.json"
        case = {"name": name, "seed": seed, "description": description}
        m = ge.export(module, path=os.path.join(layered_dir, model_file), metadata=case_metadata(case),
                      self_check=check, initial_state=module.h0)
        validate(validator, name, m)
        rng = np.random.default_rng(1000 + seed)
        inputs = rng.standard_normal((STEPS, input_size), dtype=np.float32)
        with torch.no_grad():
            x = torch.from_numpy(inputs)[None]
            h0 = module.h0.expand(-1, 1, -1).contiguous()
            y, h_n = module.gru(x, h0)
            outputs = module(x)[0].numpy()
            final_state = h_n[:, 0].reshape(-1).numpy()
        write_reference(os.path.join(layered_dir, f"{name}.ref.json"), model_file, inputs, outputs, final_state,
                        outputs_f32=True)
        index.append({"name": name, "description": description, "input_size": input_size,
                      "output_size": int(outputs.shape[1]), "hidden_sizes": [l["hidden_size"] for l in m["layers"] if l["type"] == "gru"],
                      "linear_before_reset": True, "params": ge.parameter_count(m)})
        print(f"  {name}: {' -> '.join(l['type'] for l in m['layers'])}, {ge.parameter_count(m)} parameters")
    for name, seed, clip_layers, description in CLIP_CASES:
        layers, run = _clip_case(seed, clip_layers)
        m = ge.model(4, layers, case_metadata({"name": name, "seed": seed, "description": description}))
        model_file = f"{name}.gru.json"
        ge.write(m, os.path.join(layered_dir, model_file))
        validate(validator, name, m)
        rng = np.random.default_rng(1000 + seed)
        inputs = rng.standard_normal((STEPS, 4), dtype=np.float32)
        outputs, final_state = run(inputs)
        write_reference(os.path.join(layered_dir, f"{name}.ref.json"), model_file, inputs, outputs, final_state,
                        outputs_f32=False)
        index.append({"name": name, "description": description, "input_size": 4, "output_size": 3,
                      "hidden_sizes": [c[0] for c in clip_layers],
                      "linear_before_reset": [c[1] for c in clip_layers], "params": ge.parameter_count(m)})
        print(f"  {name}: {' -> '.join(l['type'] for l in m['layers'])}, {ge.parameter_count(m)} parameters")
    name, seed, input_size, description = ARITHMETIC_CASE
    layers, run = _arithmetic_case(seed)
    m = ge.model(input_size, layers, case_metadata({"name": name, "seed": seed, "description": description}))
    model_file = f"{name}.gru.json"
    ge.write(m, os.path.join(layered_dir, model_file))
    validate(validator, name, m)
    rng = np.random.default_rng(1000 + seed)
    inputs = (rng.standard_normal((STEPS, input_size), dtype=np.float32) * 3 + 10).astype(np.float32)
    outputs, final_state = run(inputs)
    write_reference(os.path.join(layered_dir, f"{name}.ref.json"), model_file, inputs, outputs, final_state,
                    outputs_f32=True)
    index.append({"name": name, "description": description, "input_size": input_size,
                  "output_size": int(outputs.shape[1]), "hidden_sizes": [7], "linear_before_reset": True,
                  "params": ge.parameter_count(m)})
    print(f"  {name}: {' -> '.join(l['type'] for l in m['layers'])}, {ge.parameter_count(m)} parameters")

    with open(os.path.join(layered_dir, "layered_cases.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("[\n" + ",\n".join(json.dumps(c) for c in index) + "\n]\n")
    print(f"{len(index)} layered cases in {layered_dir}")
