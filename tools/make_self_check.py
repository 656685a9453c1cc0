#!/usr/bin/env python3
"""Generate the self-check test fixtures.

Usage::

    /usr/bin/python3 tools/make_self_check.py [--out DIR]

Writes into ``tests/GruTiny.Tests/SelfCheck/`` (or ``--out``):

* ``ok.gru.json`` -- nn.GRU(3, 8) + nn.Linear(8, 2) + nn.Softmax(dim=-1)
  (``torch.manual_seed(SEED)``), exported with
  ``grutiny_export.export(..., self_check=True)``: 2 sequences of 16 steps
  computed by the PyTorch modules.  Must build.
* ``wrong_variant.gru.json`` -- the same file with every gru layer's
  ``linear_before_reset`` set to false; ``self_check`` still holds what
  PyTorch computed, so the build must report a self-check mismatch.
* ``bad_shape.gru.json`` -- like ``ok`` but the second sequence's first input
  row has one value too many (malformed self-check).
* ``bad_count.gru.json`` -- like ``ok`` but the first sequence has 16 input
  rows and 15 output rows (malformed self-check).
* ``ok.onnx`` -- ``torch.onnx.export`` (opset 14, dynamic time and batch axes,
  input ``x``, output ``y``) of nn.GRU(3, 8, batch_first=True) +
  nn.Linear(8, 2) (same seed, hence the same weights as ``ok.gru.json``), then
  ``grutiny_export.add_onnx_self_check`` (metadata entry
  ``grutiny.self_check``).  Must build.
* ``wrong_variant.onnx`` -- the same file with the GRU node's
  ``linear_before_reset`` attribute set to 0 (metadata unchanged).
* ``classifier_last.gru.json`` -- a user's module (not a Sequential):
  nn.GRU(3, 8, batch_first=True) + nn.Linear(8, 2) + nn.Softmax(dim=-1) as
  children (same seed, same weights), forward ``softmax(fc(y[:, -1, :]))``:
  one output per sequence.  ``grutiny_export.export(module)`` checks forward
  against its children and stores row t = forward on the first t + 1 steps.
  Must build.
* ``classifier_last.onnx`` -- the same module through
  ``grutiny_export.export_onnx`` (opset 14): a Gather of the last step before
  the Gemm; self-check from forward on prefixes.  Must build.
* ``hn_head.onnx`` -- ``fc(h_n[-1])`` of a one-layer nn.GRU(3, 8) (same
  weights) through ``export_onnx``: the GRU's Y_h feeds the Gemm.  Must build.
* ``manifest.json`` -- one ``{"file", "expect", "description"}`` per line;
  ``expect`` is ``pass``, ``mismatch`` or ``malformed``.

Checks (the script fails if one does not hold):

* ``ok.gru.json``: a float64 numpy implementation of grutiny/1
  (``make_reference.numpy_run``) reproduces every self-check output within
  1e-5; for ``wrong_variant.gru.json`` the worst relative error
  |y - ref| / max(1, |ref|) exceeds 1e-3;
* the same two checks for the ONNX pair, using the float64 numpy ONNX
  interpreter of ``tools/onnx_cases.py`` (``run_onnx``) on the files as
  written; the last-step files (JSON and ONNX) within 1e-5 too, row t of an
  ONNX last-step file against the graph run on the first t + 1 steps;
* the ``ok`` and ``wrong_variant`` JSON files validate against
  ``docs/model-format.schema.json`` (if ``jsonschema`` is installed) and the
  malformed ones are rejected by ``grutiny_export.model``;
* ``onnx.checker.check_model`` accepts both ONNX files.

Everything is seeded; re-running produces identical files with the same
PyTorch / onnx versions.
"""

import argparse
import copy
import io
import json
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import grutiny_export as ge  # noqa: E402
import make_reference  # noqa: E402
import onnx_cases  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, "tests", "GruTiny.Tests", "SelfCheck")
SEED = 301
INPUT_SIZE, HIDDEN, OUTPUTS = 3, 8, 2
PASS_TOL = 1e-5        # float64 reimplementation vs the stored PyTorch outputs
MISMATCH_MIN = 1e-3    # a wrong variant must be at least this far off (relative)
ONNX_OPSET = 14


def _write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def worst_errors(run, self_check):
    """(worst absolute error, worst |y - ref| / max(1, |ref|)) of ``run``
    (inputs [T][in] -> outputs [T][out], float64) over all sequences."""
    worst_abs = worst_rel = 0.0
    for seq in self_check["sequences"]:
        ref = np.asarray(seq["outputs"], dtype=np.float32).astype(np.float64)
        y = run(np.asarray(seq["inputs"], dtype=np.float32))
        assert y.shape == ref.shape, (y.shape, ref.shape)
        d = np.abs(y - ref)
        worst_abs = max(worst_abs, float(np.max(d)))
        worst_rel = max(worst_rel, float(np.max(d / np.maximum(1.0, np.abs(ref)))))
    return worst_abs, worst_rel


# --------------------------------------------------------------------------
# grutiny/1 fixtures
# --------------------------------------------------------------------------

def build_json_models():
    torch.manual_seed(SEED)
    gru = nn.GRU(INPUT_SIZE, HIDDEN)
    fc = nn.Linear(HIDDEN, OUTPUTS)
    metadata = {"generator": "tools/make_self_check.py", "seed": SEED,
                "modules": "nn.GRU(3, 8), nn.Linear(8, 2), nn.Softmax(dim=-1)"}
    ok = ge.export([gru, fc, nn.Softmax(dim=-1)], metadata=metadata, self_check=True)
    assert [len(s["inputs"]) for s in ok["self_check"]["sequences"]] == [16, 16]

    wrong = copy.deepcopy(ok)
    for layer in wrong["layers"]:
        if layer["type"] == "gru":
            assert layer["linear_before_reset"] is True
            layer["linear_before_reset"] = False

    bad_shape = copy.deepcopy(ok)
    row = bad_shape["self_check"]["sequences"][1]["inputs"][0]
    row.append(0.5)
    assert len(row) == INPUT_SIZE + 1

    bad_count = copy.deepcopy(ok)
    seq = bad_count["self_check"]["sequences"][0]
    seq["outputs"] = seq["outputs"][:15]
    assert len(seq["inputs"]) == 16 and len(seq["outputs"]) == 15

    torch.manual_seed(SEED)
    classifier = LastStepClassifier()
    # Same seed and construction order as ok.gru.json: the same weights.
    assert ge._to_list(classifier.fc.weight.detach().numpy()) == ok["layers"][1]["weight"]
    last = ge.export(classifier, metadata={
        "generator": "tools/make_self_check.py", "seed": SEED,
        "modules": "a module with children nn.GRU(3, 8, batch_first=True), nn.Linear(8, 2), "
                   "nn.Softmax(dim=-1); forward softmax(fc(y[:, -1, :]))"})

    return {"ok.gru.json": ok, "wrong_variant.gru.json": wrong,
            "bad_shape.gru.json": bad_shape, "bad_count.gru.json": bad_count,
            "classifier_last.gru.json": last}


def check_json_models(models, validator):
    results = {}
    for name in ("ok.gru.json", "wrong_variant.gru.json", "classifier_last.gru.json"):
        m = models[name]
        if validator is not None:
            errors = list(validator.iter_errors(m))
            assert not errors, f"{name}: schema: {errors[0].message}"
        # The file is valid for the exporter too (model() re-validates self_check).
        ge.model(m["input_size"], m["layers"], m.get("metadata"), m["self_check"])
        results[name] = worst_errors(lambda x, m=m: make_reference.numpy_run(m, x)[0],
                                     m["self_check"])
    for name in ("bad_shape.gru.json", "bad_count.gru.json"):
        m = models[name]
        try:
            ge.model(m["input_size"], m["layers"], m.get("metadata"), m["self_check"])
        except ValueError as e:
            results[name] = f"rejected by grutiny_export.model: {e}"
        else:
            raise AssertionError(f"{name}: grutiny_export.model accepted a malformed self_check")
    return results


# --------------------------------------------------------------------------
# ONNX fixtures
# --------------------------------------------------------------------------

class GruLinear(nn.Module):
    """y = fc(gru(x)[0]); batch_first."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(INPUT_SIZE, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, OUTPUTS)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.fc(y)


# The exporter tests use these two modules as well (tools/tests/modules_for_tests.py): one
# definition for the fixtures and the tests.
class LastStepClassifier(nn.Module):
    """y = softmax(fc(gru(x)[0][:, -1, :])); batch_first: one output per sequence."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(INPUT_SIZE, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, OUTPUTS)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.softmax(self.fc(y[:, -1, :]))


class HiddenStateHead(nn.Module):
    """y = fc(h_n[-1]) of a batch_first GRU (one layer for the fixture): one output per
    sequence."""

    def __init__(self, num_layers=1):
        super().__init__()
        self.gru = nn.GRU(INPUT_SIZE, HIDDEN, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(HIDDEN, OUTPUTS)

    def forward(self, x):
        _, h = self.gru(x)
        return self.fc(h[-1])


def write_onnx_models(out_dir, json_ok):
    torch.manual_seed(SEED)
    net = GruLinear().eval()
    # Same seed and construction order as ok.gru.json: the same weights.
    assert json_ok["layers"][0]["weight_ih"] == ge._to_list(net.gru.weight_ih_l0.detach().numpy())
    assert json_ok["layers"][1]["weight"] == ge._to_list(net.fc.weight.detach().numpy())

    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, torch.zeros(1, 16, INPUT_SIZE), f, input_names=["x"],
                          output_names=["y"], opset_version=ONNX_OPSET,
                          dynamic_axes={"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}})
    ok_path = os.path.join(out_dir, "ok.onnx")
    with open(ok_path, "wb") as fh:
        fh.write(f.getvalue())
    check = ge.add_onnx_self_check(ok_path, net, INPUT_SIZE, batch_first=True)

    proto = onnx.load(ok_path)
    grus = [n for n in proto.graph.node if n.op_type == "GRU"]
    assert len(grus) == 1, [n.op_type for n in proto.graph.node]
    attrs = {a.name: a for a in grus[0].attribute}
    assert attrs["linear_before_reset"].i == 1
    kept = [a for a in grus[0].attribute if a.name != "linear_before_reset"]
    del grus[0].attribute[:]
    grus[0].attribute.extend(kept + [helper.make_attribute("linear_before_reset", 0)])
    wrong_path = os.path.join(out_dir, "wrong_variant.onnx")
    onnx.save(proto, wrong_path)
    files = {"ok.onnx": (ok_path, check, True), "wrong_variant.onnx": (wrong_path, check, True)}

    # Last-step heads, exported with the wrapper that stores forward's self-check.
    for name, cls in (("classifier_last.onnx", LastStepClassifier),
                      ("hn_head.onnx", HiddenStateHead)):
        torch.manual_seed(SEED)
        head = cls().eval()
        path = os.path.join(out_dir, name)
        files[name] = (path, ge.export_onnx(head, path, INPUT_SIZE, batch_first=True,
                                            opset_version=ONNX_OPSET), False)
    return files


def check_onnx_models(files):
    """``files``: name -> (path, the self-check written, per_step)."""
    results = {}
    for name, (path, check, per_step) in files.items():
        proto = onnx.load(path)
        onnx.checker.check_model(proto)
        meta = [p for p in proto.metadata_props if p.key == ge.ONNX_SELF_CHECK_KEY]
        assert len(meta) == 1, f"{name}: {len(meta)} {ge.ONNX_SELF_CHECK_KEY} entries"
        stored = json.loads(meta[0].value)
        assert stored == check, f"{name}: metadata differs from what add_onnx_self_check returned"
        assert meta[0].value == ge._compact(check)

        def run(x, proto=proto):
            (y,) = onnx_cases.run_onnx(proto, x[None])  # batch_first: [1, T, in]
            return y[0]

        def run_prefixes(x, proto=proto):
            # One output per sequence: after step t, the graph on the first t + 1 steps.
            return np.stack([onnx_cases.run_onnx(proto, x[None, :t + 1])[0].reshape(-1)
                             for t in range(len(x))])
        results[name] = worst_errors(run if per_step else run_prefixes, stored)
    return results


# --------------------------------------------------------------------------

MANIFEST = [
    ("ok.gru.json", "pass",
     "nn.GRU(3, 8) + Linear(8, 2) + Softmax exported with self_check (2 x 16 steps from "
     "PyTorch)."),
    ("wrong_variant.gru.json", "mismatch",
     "ok.gru.json with linear_before_reset set to false; self_check still holds the PyTorch "
     "(linear_before_reset true) outputs."),
    ("bad_shape.gru.json", "malformed",
     "ok.gru.json with one value too many in the first input row of self_check sequence 1."),
    ("bad_count.gru.json", "malformed",
     "ok.gru.json with 16 input rows but 15 output rows in self_check sequence 0."),
    ("ok.onnx", "pass",
     "torch.onnx.export (opset 14) of nn.GRU(3, 8, batch_first=True) + Linear(8, 2), with a "
     "grutiny.self_check metadata entry from the PyTorch module."),
    ("wrong_variant.onnx", "mismatch",
     "ok.onnx with the GRU node's linear_before_reset attribute set to 0; metadata "
     "unchanged."),
    ("classifier_last.gru.json", "pass",
     "A user's module, forward softmax(fc(y[:, -1, :])), exported with export(module): "
     "self_check row t is forward on the first t + 1 steps."),
    ("classifier_last.onnx", "pass",
     "The same module through export_onnx (opset 14): last step gathered before the Gemm; "
     "self-check from forward on prefixes."),
    ("hn_head.onnx", "pass",
     "fc(h_n[-1]) of a one-layer nn.GRU(3, 8) through export_onnx: Y_h feeds the Gemm; "
     "self-check from forward on prefixes."),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    out_dir = args.out
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    validator = make_reference.load_validator()
    if validator is None:
        print("note: jsonschema or the schema file is unavailable; schema validation skipped")

    models = build_json_models()
    for name, m in models.items():
        _write_text(os.path.join(out_dir, name), ge.dumps(m))
    # Check what was written, read back.
    read_back = {}
    for name in models:
        with open(os.path.join(out_dir, name), encoding="utf-8") as f:
            read_back[name] = json.load(f)
    results = check_json_models(read_back, validator)

    results.update(check_onnx_models(write_onnx_models(out_dir, read_back["ok.gru.json"])))

    _write_text(os.path.join(out_dir, "manifest.json"),
                "[\n" + ",\n".join(json.dumps({"file": f, "expect": e, "description": d})
                                   for f, e, d in MANIFEST) + "\n]\n")

    failures = []
    print(f"{'file':24}  {'expect':9}  result")
    for name, expect, _ in MANIFEST:
        r = results[name]
        if expect == "malformed":
            text = r
        else:
            worst_abs, worst_rel = r
            text = f"worst |y-ref| = {worst_abs:.3e}, worst |y-ref|/max(1,|ref|) = {worst_rel:.3e}"
            if expect == "pass" and not worst_abs <= PASS_TOL:
                failures.append(f"{name}: float64 reimplementation differs by {worst_abs:.3e} "
                                f"> {PASS_TOL}")
            if expect == "mismatch" and not worst_rel > MISMATCH_MIN:
                failures.append(f"{name}: worst relative error {worst_rel:.3e} <= {MISMATCH_MIN}")
        print(f"{name:24}  {expect:9}  {text}  ({os.path.getsize(os.path.join(out_dir, name))} B)")
    if failures:
        for msg in failures:
            print("FAILED: " + msg, file=sys.stderr)
        return 1
    print(f"{len(MANIFEST)} fixtures + manifest.json in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
