#!/usr/bin/env python3
"""Export PyTorch GRU models to the GruTiny model format ``grutiny/1``.

GruTiny is a Roslyn source generator that compiles a GRU model description
(a JSON file, conventionally ``*.gru.json``) into plain C#.  This module
writes such files from PyTorch modules.  The format itself is specified in
``docs/model-format.md`` (JSON Schema: ``docs/model-format.schema.json``).

Supported modules
-----------------
* ``nn.Embedding`` -- only as the very first module, directly followed by an
  ``nn.GRU`` (an ``embedding`` layer: the model then takes one token id per
  step; see "Embedding models" below).  ``max_norm`` is rejected (it rewrites
  the weights during the forward pass); ``padding_idx``,
  ``scale_grad_by_freq`` and ``sparse`` only affect training.
* ``nn.GRU`` -- any ``num_layers`` (each layer becomes one ``gru`` layer),
  ``bias=True`` or ``False``, ``batch_first`` either way, ``bidirectional``
  either way (a ``direction: "bidirectional"`` layer with the ``_reverse``
  tensors; the model then reads whole sequences, and the parity check and
  self-check compare the output at the last step of every prefix).
  ``proj_size > 0`` is rejected.  PyTorch GRUs always use
  ``linear_before_reset: true``.  Dropout between GRU layers is a training
  feature and is ignored.
* ``nn.Linear`` (``bias=True`` or ``False``), optionally followed by exactly
  one activation module: ``nn.ReLU``, ``nn.Sigmoid``, ``nn.Tanh``,
  ``nn.Softmax(dim=-1)`` (softmax over the features), or ``nn.Identity`` /
  nothing (activation ``"linear"``).
* ``nn.Dropout`` and ``nn.Identity`` anywhere else are inference no-ops and
  are skipped.

The order must be: an optional Embedding, one or more GRUs, then zero or more
Linear (+ activation).

Your own module
---------------
``export`` (and the command line) also take your own ``nn.Module`` subclass,
the one you trained.  Its child modules, in registration order (nested
``nn.Sequential`` / ``nn.ModuleList`` expanded; a module of your own inside
it is refused, naming it), give the layers, as for a list.  Registration
order is only a claim about what ``forward`` does, so the exporter never
takes it on trust.  It builds the layers the file would hold as fresh
float32 PyTorch modules loaded with the stored weights (nothing of your
modules -- no hook, no reparametrisation -- takes part) and runs them and
your module's own ``forward`` on the self-check inputs (below), on those
inputs times 10 (normalised units, to reach saturation; for an embedding
model a second draw of token ids) and on one sequence of 256 steps (what
``forward`` does only beyond 16 steps, a window or a truncation, shows
there; a forward with one output per sequence is compared on its first 17,
64 and 256 steps).  It refuses with a ``ValueError`` (exit status 1 on the
command line, nothing written) when an output differs by more than
``PARITY_TOLERANCE`` (1e-5) x max(1, |forward's output|), naming the first
differing sequence, step and output, both values, and the likely cause,
which it looks for: a hook, weight_norm, spectral_norm or pruning on a
module (its ``.weight`` is stale after an optimizer step), a softmax /
sigmoid / tanh / relu, a constant factor or offset on the output, tanh /
sigmoid / relu on the input, Linear layers registered in another order
than ``forward`` calls them, ``forward`` returning an earlier child's
output first (``return y, fc(y)``), ``forward`` taking the other input
layout than its first ``nn.GRU`` (``batch_first=`` / ``--input-layout``),
parameters no layer holds (a learned initial state), or what only large
inputs or the long sequence show.  The way forward: make ``forward`` a
plain chain of child modules in registration order (``self.softmax =
nn.Softmax(dim=-1)``, factors folded into the ``nn.Linear``), pass the
modules in ``forward``'s order as a list, or export to ONNX
(``export_onnx``), which compiles what ``forward`` computes.  The check runs
whatever ``self_check`` is.

``forward`` must give the same answer when called twice on the same input:
one that keeps state between calls (``self.h = h``; the attribute is named)
or draws random numbers (``F.dropout(x, p)``, whose ``training`` defaults to
True even in eval mode; ``torch.randn``) is refused.  Whatever running it
changes in your module (reassigned attributes, buffers, the training flag)
is put back afterwards, and the global random state is left as it was.

``forward`` is called on one sequence, batch 1, with x alone (other
parameters must have defaults meaning "the whole sequence from the zero
state"): x [1, T, in] if the first ``nn.GRU`` is ``batch_first``, else
[T, 1, in] (``batch_first=`` / ``--input-layout`` override it); token ids
[1, T] / [T, 1] int64.  A tuple or list result contributes its first tensor
(nn.GRU's ``(y, h_n)``).  What it returns is measured on 2 and 3 steps, not
assumed: an output with one time axis is per-step; an output whose shape
does not depend on the length (a classifier reading ``y[:, -1]``, a head on
``h_n[-1]``) is one vector per sequence, and its self-check row t is
``forward`` on the first t + 1 steps -- what GruTiny's per-step model gives
after step t (``RunFinal`` gives the last row); ``forward`` must then run on
a 1-step sequence.  Any other shape is refused.

A list, ``nn.Sequential`` or ``nn.ModuleList`` has no ``forward`` of its own
that runs (``nn.Sequential`` would hand a GRU's tuple to the next module): it
*is* the chain, each module called on the previous one's output (a GRU's y),
each GRU in its own layout (``batch_first=`` is refused).  The modules as
called are compared with the file's layers as above, which catches a hook or
a stale ``.weight``; the self-check is what the modules as called compute.

Embedding models
----------------
With an ``nn.Embedding(V, D)`` first, the file's first layer is
``{"type": "embedding", "weight": [[D numbers], ... V rows]}`` (the
``weight`` as ``nn.Embedding.weight.tolist()``, stored as float32 like every
tensor), the first gru layer's input size is D, and the top-level
``input_size`` is V (``num_embeddings``).  The model takes one token id t
(0 <= t < V) per step.  ``input_normalization`` is not allowed.  Self-check
input rows are ``[t]`` rows holding the token id as a JSON integer (``[17]``);
the standard self-check draws the ids uniformly from 0..V-1 with
``numpy.random.default_rng(12345)`` (``self_check_tokens``), 2 sequences of
16 steps, and runs the modules on them (the Embedding on the id tensor).

Self-check vectors
------------------
By default ``export`` also stores a ``self_check`` key: 2 sequences of 16
standard-normal float32 input vectors (random token ids for an embedding
model, see above) (``numpy.random.default_rng(12345)``,
the same inputs for every export) and the outputs your model produced for
them: your own module's ``forward`` (never the exporter's reconstruction of
it), or a list's modules as called (batch 1, float32, ``torch.no_grad()``,
modules temporarily in eval mode, every sequence from the zero state).
Models with more than 2,000,000 parameters get fewer steps (steps x
parameters stays within the generator's build-time budget of 64,000,000);
above 64,000,000 parameters no self-check is stored (an ``ExportWarning``
says so; ``self_check=False`` exports without one knowingly).  The GruTiny
generator re-runs these sequences at build time and rejects the model if its
own outputs disagree, which catches export mistakes such as a wrong
``linear_before_reset`` or gate order.  Format::

    "self_check": {"sequences": [{"inputs":  [[/* input_size */], ... T rows],
                                  "outputs": [[/* output size */], ... T rows]},
                                 ...]}

1 to 16 sequences, T >= 1 rows each, ``inputs`` and ``outputs`` with the same
number of rows, all numbers finite (written like the weights, as float32).
Pass ``self_check=False`` to leave the key out.

With normalization (see below) the self-check is in raw units: the stored
inputs are ``mean + std * z`` for the standard-normal ``z`` above (float32
arithmetic, so the modules see roughly standard-normal values), the modules
run on ``(x - mean) / std`` (float32) and the stored outputs are the modules'
outputs mapped back, ``y * std + mean`` (float32) -- exactly what the
generated ``Step`` takes and returns.

Input and output normalization
------------------------------
Models trained on standardised data can carry the scaling with them, so the
generated code takes and returns raw units::

    "input_normalization":  {"mean": [/* input_size */],  "std": [/* input_size, > 0 */]},
    "output_normalization": {"mean": [/* output size */], "std": [/* output size, > 0 */]}

Before layer 0: x' = (x - mean) / std, element-wise; after the last layer:
y = y' * std + mean, element-wise (float32; the multiply and the add rounded
separately).  Both keys are optional and independent; each holds exactly
``mean`` and ``std``.  ``export`` / ``model`` take them as
``input_normalization=(mean, std)`` / ``output_normalization=(mean, std)``
(sequences, numpy arrays or tensors; a ``{"mean": ..., "std": ...}`` dict
works too; a scalar is accepted for size 1).  They are checked (lengths equal
to the model's input / output size, finite, std > 0 after rounding to
float32), stored as float32 numbers like the weights, and written after
``layers``.  The PyTorch modules themselves stay in normalised units: do not
put the scaling into the module as well.

For ONNX files (which the generator also reads) ``export_onnx`` (a
``torch.onnx.export`` that adds it) and ``add_onnx_self_check`` (for a file
already exported from the same module) store the same object, computed by
the module's own ``forward``, as compact JSON text, in the model metadata
(``ModelProto.metadata_props``) under the key ``grutiny.self_check``.  Of a
tuple result they store the output GruTiny compiles from the file: the
graph output computed through the most GRU and Linear (MatMul / Gemm)
layers, a per-step one before one per sequence on a tie, ``h_n`` of several
layers never (``OnnxGraphCompiler.ChooseOutput``) -- for ``return y, fc(y)``
that is ``fc(y)``.  ``torch.onnx.export`` alone, and tf2onnx, write none.

Python API
----------
::

    import torch.nn as nn
    from grutiny_export import export

    gru = nn.GRU(input_size=3, hidden_size=32, num_layers=2, batch_first=True)
    head = nn.Linear(32, 4)
    # ... train ...
    export([gru, head, nn.Softmax(dim=-1)], path="Models/gesture.gru.json",
           metadata={"trained_on": "2024-05-01", "classes": ["a", "b", "c", "d"]})

``export(modules, input_size=None, path=None, metadata=None, self_check=True, input_normalization=None, output_normalization=None, max_parameters=2_000_000, batch_first=None) -> dict``
    ``modules`` is your own ``nn.Module`` (see "Your own module"), or a
    list, tuple, ``nn.Sequential`` or ``nn.ModuleList``.
    ``input_size`` defaults to the first GRU's ``input_size``, or for an
    embedding model to the Embedding's ``num_embeddings`` (if given it must
    agree).  ``self_check``: ``True`` runs the modules on the standard
    self-check inputs (see above) and stores the result; ``False`` / ``None``
    stores nothing; a ``{"sequences": [...]}`` dict (raw units) is validated
    and stored as given.  ``input_normalization`` / ``output_normalization``:
    ``(mean, std)`` or ``None`` (see above).  Returns the model as a dict and
    writes it to ``path`` if given.  Raises ``ValueError`` for anything the
    format cannot represent, and for modules that do not compute what the
    file's layers compute (see "Your own module").  ``max_parameters``: the
    ``GruTinyMaxParameters`` of the project that will compile the file; an
    ``ExportWarning`` names the count and how to raise the limit when the
    model has more parameters (GruTiny refuses it with GRUT015).
    ``batch_first``: how your module's ``forward`` takes a sequence (default:
    as its first ``nn.GRU``); not for a list.

``export_onnx(module, path, input_size, batch_first, self_check=True, max_parameters=2_000_000, opset_version=17, **export_args) -> dict``
    ``torch.onnx.export`` of ``module`` (traced on x [1, 16, in] if
    ``batch_first``, else [16, 1, in], in eval mode; input ``x`` with dynamic
    batch and time axes, first output ``y``; ``export_args`` go to
    ``torch.onnx.export`` and replace those defaults), then the self-check
    of the module's own ``forward`` stored in the file as
    ``add_onnx_self_check`` does.  Per-step outputs, last-step classifiers
    and heads on ``h_n`` all carry one.  Of the warnings ``torch.onnx.export``
    issues, only the three it gives for every ``nn.GRU`` are hidden.  A model
    too large for any self-check (one step above the build-time budget) is
    written without one and an ``ExportWarning`` says so.  Warns
    (``ExportWarning``) above ``max_parameters``.  Returns the self-check
    dict (None without one).

``add_onnx_self_check(onnx_path, module, input_size, batch_first, sequences=2, steps=None, seed=12345, max_parameters=2_000_000) -> dict``
    Runs ``module`` (the ``nn.Module`` that was exported; x [T, 1, in], or
    [1, T, in] if ``batch_first``; of a tuple result the output GruTiny
    compiles, see above) on ``sequences`` sequences of ``steps``
    standard-normal float32 inputs from ``numpy.random.default_rng(seed)``
    (``steps`` default 16, fewer for models above 2,000,000 parameters;
    ``ValueError`` when not one step fits the budget), and sets (or
    replaces) the metadata entry ``grutiny.self_check`` of the ``.onnx`` file
    in place.  Per-step outputs are stored as they are; an output whose shape
    does not depend on the length (``fc(y[:, -1])``, ``fc(h_n[-1])``) is
    stored as ``forward`` on the first t + 1 steps for each step t, as in
    "Your own module".  ``forward`` must be repeatable, as there.  Warns
    (``ExportWarning``) above ``max_parameters``, counting as GruTiny does
    the weights and biases of the ``nn.GRU`` / ``nn.Linear`` modules
    ``forward`` calls.  Returns the self-check dict.

``parameter_count(model_dict) -> int``
    The parameters of a model dict as GruTiny counts them against
    ``GruTinyMaxParameters``.

Lower-level helpers (tensors or numpy arrays; a ``None`` bias omits the key,
which the format reads as zero):

``embedding_layer(weight)``
    ``weight`` [V][D] (as ``nn.Embedding.weight``); only as the first layer,
    followed by a gru layer with D inputs, and the model's ``input_size``
    must be V.
``gru_layer(weight_ih, weight_hh, bias_ih, bias_hh, linear_before_reset)``
    Shapes as PyTorch holds them: ``weight_ih`` [3H][in], ``weight_hh``
    [3H][H], biases [3H]; gate blocks in PyTorch order r, z, n.
``dense_layer(weight, bias, activation)``
    ``weight`` [out][in], ``bias`` [out]; ``activation`` one of ``linear``,
    ``relu``, ``sigmoid``, ``tanh``, ``softmax``.
``model(input_size, layers, metadata=None, self_check=None, input_normalization=None, output_normalization=None)``
    Assembles and validates a complete ``grutiny/1`` dict; ``self_check``
    (``{"sequences": [{"inputs": ..., "outputs": ...}, ...]}``, arrays or
    nested lists, raw units; for an embedding model [T][1] integer token ids
    in 0..V-1) is validated against the model's sizes and stored; the
    normalizations (``(mean, std)``) are validated and stored.
``make_self_check(pairs)``
    Builds a ``self_check`` dict from ``(inputs [T][in], outputs [T][out])``
    pairs (tensors, numpy arrays or nested lists).
``self_check_inputs(input_size, sequences=2, steps=16, seed=12345)``
    The standard self-check inputs: a list of float32 arrays [steps][input_size].
``self_check_tokens(vocab_size, sequences=2, steps=16, seed=12345)``
    The standard self-check inputs of an embedding model: a list of int64
    arrays [steps][1] of token ids in 0..vocab_size-1.
``write(model_dict, path)``
    Writes a model dict as compact JSON (UTF-8, one line per layer).

Example with the helpers (e.g. weights from another framework; Keras kernels
are [in][3H] with gate order z, r, h and must be transposed and reordered to
r, z, n -- see ``docs/model-format.md``)::

    from grutiny_export import gru_layer, dense_layer, model, write
    m = model(3, [gru_layer(w_ih, w_hh, b_ih, b_hh, linear_before_reset=False),
                  dense_layer(w_out, b_out, "sigmoid")])
    write(m, "my.gru.json")

Numbers are stored as float32: every value is rounded to float32 and written
with 9 significant digits (``float('%.9g' % v)``), which reads back to exactly
the same float32.  Non-finite weights raise ``ValueError``.

Command line
------------
::

    python3 tools/grutiny_export.py MODEL.pt OUT.gru.json [--input-size N]
                                    [--metadata '{"k": "v"}'] [--no-self-check]
                                    [--input-normalization '{"mean": [..], "std": [..]}']
                                    [--output-normalization '{"mean": [..], "std": [..]}']
                                    [--max-parameters N]
                                    [--input-layout batch-first|time-first]

``MODEL.pt`` is a whole module saved with ``torch.save(module, ...)`` or
``torch.jit.save(torch.jit.script(module), ...)``: an ``nn.Sequential`` /
``nn.ModuleList`` of the supported modules (an ``nn.Embedding`` first is
fine), a single ``nn.GRU``, or your own module, whose ``forward`` is checked
against its children as described in "Your own module" (the command prints
what was checked; a mismatch is an error and writes nothing).
A pickled (``torch.save``) custom module class must be importable: run the
command from the training code's directory or set ``PYTHONPATH``.
TorchScript files need no source.  ``--max-parameters N``: warn (stderr)
when the model has more than N parameters, the ``GruTinyMaxParameters`` of
the project that compiles it (default 2,000,000, GruTiny's default).
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np

FORMAT = "grutiny/1"
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "prelu", "elu",
               "gelu", "gelu_tanh", "hardtanh", "hardsigmoid", "silu", "softsign", "log_softmax")

# The parameters each activation takes in its object form ({"type": name, ...}), with the
# defaults GruTiny assumes when one is left out (PyTorch's; docs/model-format.md).
ACTIVATION_PARAMETERS = {
    "leaky_relu": {"negative_slope": 0.01},
    "elu": {"alpha": 1.0},
    "hardtanh": {"min_val": -1.0, "max_val": 1.0},
    "hardsigmoid": {"alpha": 1.0 / 6.0, "beta": 0.5},
    "prelu": {"weight": None},
}

__all__ = ["FORMAT", "ACTIVATIONS", "export", "embedding_layer", "gru_layer", "dense_layer",
           "activation_layer", "layer_norm_layer", "batch_norm_layer", "arithmetic_layer", "model", "write", "dumps", "make_self_check", "add_onnx_self_check", "export_onnx",
           "self_check_inputs", "self_check_tokens", "parameter_count", "ONNX_SELF_CHECK_KEY",
           "DEFAULT_MAX_PARAMETERS", "PARITY_TOLERANCE", "ExportWarning"]

ONNX_SELF_CHECK_KEY = "grutiny.self_check"
SELF_CHECK_MAX_SEQUENCES = 16
SELF_CHECK_SEQUENCES = 2
SELF_CHECK_STEPS = 16
# GruTiny checks at most this many steps x parameters at build time (SelfCheck.MaxWork in the C# code).
SELF_CHECK_MAX_WORK = 64_000_000
SELF_CHECK_SEED = 12345
# The generator's default parameter limit (ModelDescriptionReader.DefaultMaxParameters, MSBuild
# property GruTinyMaxParameters) and the largest value that property accepts (GRUT044 above it).
DEFAULT_MAX_PARAMETERS = 2_000_000
MAX_PARAMETERS_SETTING = 100_000_000
# What the modules compute (your module's forward, or a list's modules as called) and the layers the
# file holds (fresh float32 PyTorch modules loaded with the stored weights) must agree within
# PARITY_TOLERANCE * max(1, |the modules' output|) on every output, or nothing is written.  For an
# exact export both are the same float32 PyTorch arithmetic on the same weights: on CPU with
# PyTorch 1.13 they agree bit for bit (measured up to 1.5M parameters); the tolerance leaves room
# for rounding that another backend, thread count or matmul blocking (a classifier head run on
# prefixes) may bring.  Anything a forward adds beyond its children -- a softmax, a constant
# factor, an activation on the input, another order, a hook -- moves outputs by far more.  It is
# 10x tighter than the build-time self-check's default tolerance (GruTinySelfCheckTolerance, 1e-4),
# which compares GruTiny's own float32 code with the stored outputs.
PARITY_TOLERANCE = 1e-5
# The parity check runs a second time on the self-check inputs times this factor (normalised
# units), so that the gates and activations saturate: an operation on the input that is close to
# the identity near zero (a clamp, tanh, a small scale) shows there.
PARITY_INPUT_SCALE = 10.0
# ... and on one sequence this long, where what forward does only beyond the self-check's 16 steps
# (a window x[:, -20:], a truncation) shows; a forward with one output per sequence is run on its
# prefixes of these lengths only (one run per prefix: all 256 would cost 256 x 128 steps).
PARITY_LONG_STEPS = 256
PARITY_LONG_PREFIXES = (17, 64, 256)


# --------------------------------------------------------------------------
# Tensor / number helpers
# --------------------------------------------------------------------------

def _as_f32(value, name):
    """Return ``value`` (torch tensor, numpy array or nested list) as a
    float32 numpy array, checking that every element is finite."""
    if hasattr(value, "detach"):  # torch.Tensor / nn.Parameter
        value = value.detach().cpu().float().numpy()
    arr = np.asarray(value, dtype=np.float32)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: {bad} non-finite value(s) (NaN/Infinity) "
                         "cannot be stored in grutiny/1")
    return arr


def _f32_number(v):
    """Shortest-ish Python float that reads back to the same float32."""
    return float("%.9g" % v)


def _to_list(arr):
    """float32 array -> nested lists of compact Python floats."""
    if arr.ndim == 0:
        return _f32_number(float(arr))
    if arr.ndim == 1:
        return [_f32_number(v) for v in arr.tolist()]
    return [_to_list(row) for row in arr]


def _check_shape(arr, shape, name):
    if tuple(arr.shape) != tuple(shape):
        want = "".join(f"[{d}]" for d in shape)
        got = "".join(f"[{d}]" for d in arr.shape)
        raise ValueError(f"{name}: expected shape {want}, got {got}")


# --------------------------------------------------------------------------
# Layer builders
# --------------------------------------------------------------------------

def gru_layer(weight_ih, weight_hh, bias_ih=None, bias_hh=None,
              linear_before_reset=True, clip=None, initial_state=None, direction="forward",
              reverse=None):
    """Build a ``gru`` layer dict.

    ``weight_ih`` [3H][in], ``weight_hh`` [3H][H], ``bias_ih`` / ``bias_hh``
    [3H] or ``None`` (key omitted = zero).  Gate blocks in PyTorch order
    r, z, n.  ``linear_before_reset`` must be a bool (PyTorch: ``True``).
    ``clip``: ONNX's clip, a number > 0 (each gate's input to its activation
    clamped to [-clip, clip]), or ``None``.  ``initial_state``: [H], the
    hidden state the model starts from (a learned h0), or ``None`` (zeros).
    ``direction``: ``"forward"``, ``"reverse"`` (runs from the last step to
    the first) or ``"bidirectional"``, which needs ``reverse``: a dict of the
    reverse half's ``weight_ih``, ``weight_hh`` and optional ``bias_ih``,
    ``bias_hh``, ``initial_state`` (PyTorch's ``..._reverse`` tensors).
    """
    if not isinstance(linear_before_reset, (bool, np.bool_)):
        raise ValueError("linear_before_reset must be True or False")
    w_ih = _as_f32(weight_ih, "weight_ih")
    w_hh = _as_f32(weight_hh, "weight_hh")
    if w_hh.ndim != 2 or w_hh.shape[0] != 3 * w_hh.shape[1] or w_hh.shape[1] < 1:
        raise ValueError(f"weight_hh: expected shape [3H][H], got {list(w_hh.shape)}")
    hidden = int(w_hh.shape[1])
    if w_ih.ndim != 2 or w_ih.shape[0] != 3 * hidden or w_ih.shape[1] < 1:
        raise ValueError(f"weight_ih: expected shape [{3 * hidden}][in], got {list(w_ih.shape)}")
    layer = {
        "type": "gru",
        "hidden_size": hidden,
        "linear_before_reset": bool(linear_before_reset),
        "weight_ih": _to_list(w_ih),
        "weight_hh": _to_list(w_hh),
    }
    for key, value in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
        if value is not None:
            b = _as_f32(value, key)
            _check_shape(b, (3 * hidden,), key)
            layer[key] = _to_list(b)
    if clip is not None:
        c = _f32_number(clip)
        if not (np.isfinite(c) and c > 0):
            raise ValueError(f"clip must be a finite number greater than 0, got {clip!r}")
        layer["clip"] = c
    if initial_state is not None:
        h0 = _as_f32(initial_state, "initial_state")
        _check_shape(h0, (hidden,), "initial_state")
        if np.any(h0 != 0):  # a zero initial state is the default: the key is left out
            layer["initial_state"] = _to_list(h0)
    if direction not in ("forward", "reverse", "bidirectional"):
        raise ValueError(f"direction must be 'forward', 'reverse' or 'bidirectional', got {direction!r}")
    if (direction == "bidirectional") != (reverse is not None):
        raise ValueError("reverse= (the reverse half's tensors) goes with direction='bidirectional', and only with it")
    if direction != "forward":
        layer["direction"] = direction
    if reverse is not None:
        half = gru_layer(reverse["weight_ih"], reverse["weight_hh"], reverse.get("bias_ih"), reverse.get("bias_hh"),
                         linear_before_reset, initial_state=reverse.get("initial_state"))
        if len(half["weight_ih"][0]) != len(layer["weight_ih"][0]) or half["hidden_size"] != hidden:
            raise ValueError("the reverse half's tensors must have the forward half's shapes")
        for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "initial_state"):
            if key in half:
                layer[key + "_reverse"] = half[key]
    return layer


def _activation(activation, width=None):
    """An activation as the file holds it: a name, or {"type": name, parameters...} (numbers as
    float32; prelu's "weight" a list of 1 or ``width`` slopes)."""
    if isinstance(activation, str):
        name, params = activation, {}
    elif isinstance(activation, dict) and isinstance(activation.get("type"), str):
        name = activation["type"]
        params = {k: v for k, v in activation.items() if k != "type"}
    else:
        raise ValueError(f"activation must be a name or a {{\"type\": name, ...}} dict; got {activation!r}")
    if name == "identity":
        name = "linear"
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {name!r}")
    allowed = ACTIVATION_PARAMETERS.get(name, {})
    for key in params:
        if key not in allowed:
            raise ValueError(f"activation {name!r} takes no parameter {key!r}"
                             + (f" (it takes {', '.join(allowed)})" if allowed else ""))
    if name == "prelu":
        if "weight" not in params:
            raise ValueError("activation 'prelu' needs its learned slopes: {\"type\": \"prelu\", \"weight\": [...]}")
        slopes = _as_f32(params["weight"], "prelu weight").reshape(-1)
        if width is not None and slopes.shape[0] not in (1, width):
            raise ValueError(f"prelu weight: {slopes.shape[0]} slopes; expected 1 or {width}")
        return {"type": "prelu", "weight": _to_list(slopes)}
    if name == "hardtanh" and float(params.get("min_val", -1.0)) >= float(params.get("max_val", 1.0)):
        raise ValueError("hardtanh: min_val must be less than max_val")
    if not params:
        return name
    return dict({"type": name}, **{k: _f32_number(_as_f32(v, k).reshape(-1)[0]) for k, v in params.items()})


def _activation_name(activation):
    return activation if isinstance(activation, str) else activation["type"]


def dense_layer(weight, bias=None, activation="linear"):
    """Build a ``dense`` layer dict: ``weight`` [out][in], ``bias`` [out] or
    ``None``, ``activation`` one of ``ACTIVATIONS`` by name, or a dict
    ``{"type": name, parameters...}`` (``ACTIVATION_PARAMETERS``)."""
    w = _as_f32(weight, "weight")
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ValueError(f"weight: expected shape [out][in], got {list(w.shape)}")
    layer = {"type": "dense", "activation": _activation(activation, int(w.shape[0])), "weight": _to_list(w)}
    if bias is not None:
        b = _as_f32(bias, "bias")
        _check_shape(b, (w.shape[0],), "bias")
        layer["bias"] = _to_list(b)
    return layer


def embedding_layer(weight):
    """Build an ``embedding`` layer dict: ``weight`` [V][D] (as
    ``nn.Embedding.weight``).  Only valid as the first layer of a model,
    followed by a gru layer with D inputs; the model's ``input_size`` is V."""
    w = _as_f32(weight, "weight")
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ValueError(f"weight: expected shape [V][D], got {list(w.shape)}")
    return {"type": "embedding", "weight": _to_list(w)}


def activation_layer(activation):
    """Build an ``activation`` layer dict: f(x) on the previous layer's outputs (``activation``
    as for ``dense_layer``)."""
    return {"type": "activation", "activation": _activation(activation)}


def _optional_vector(value, name):
    return None if value is None else _to_list(_as_f32(value, name).reshape(-1))


def _epsilon(eps):
    e = _as_f32(eps, "eps").reshape(-1)
    if e.shape[0] != 1 or not e[0] >= 0:
        raise ValueError(f"eps must be one number >= 0; got {eps!r}")
    return _f32_number(e[0])


def layer_norm_layer(eps, weight=None, bias=None):
    """Build a ``layer_norm`` layer dict (``nn.LayerNorm`` over the features): ``eps``, and
    ``weight`` / ``bias`` [features] or ``None`` (``elementwise_affine=False``)."""
    layer = {"type": "layer_norm", "eps": _epsilon(eps)}
    for key, value in (("weight", weight), ("bias", bias)):
        if value is not None:
            layer[key] = _optional_vector(value, key)
    return layer


def batch_norm_layer(eps, running_mean, running_var, weight=None, bias=None):
    """Build a ``batch_norm`` layer dict (``nn.BatchNorm1d`` in eval mode): ``eps``, the running
    statistics [features], ``weight`` / ``bias`` [features] or ``None`` (``affine=False``)."""
    if running_mean is None or running_var is None:
        raise ValueError("batch_norm_layer needs running_mean and running_var")
    var = _as_f32(running_var, "running_var").reshape(-1)
    eps = _epsilon(eps)
    if not np.all(var >= 0) or not np.all(var.astype(np.float64) + eps > 0):
        raise ValueError("running_var: a variance must be >= 0, and var + eps > 0")
    layer = {"type": "batch_norm", "eps": eps,
             "running_mean": _optional_vector(running_mean, "running_mean"),
             "running_var": _to_list(var)}
    for key, value in (("weight", weight), ("bias", bias)):
        if value is not None:
            layer[key] = _optional_vector(value, key)
    return layer


ARITHMETIC_OPS = ("add", "sub", "sub_from", "mul", "div")


def arithmetic_layer(steps):
    """Build an ``arithmetic`` layer dict: ``steps`` a list of (op, value) applied in order to each step's
    features, op in ``ARITHMETIC_OPS`` (x + c, x - c, c - x, x * c, x / c), value one number or one per
    feature: ``arithmetic_layer([("sub", mean), ("div", std)])`` is (x - mean) / std, computed in float32
    exactly as written."""
    out = []
    for op, value in steps:
        if op not in ARITHMETIC_OPS:
            raise ValueError(f"arithmetic op must be one of {', '.join(ARITHMETIC_OPS)}; got {op!r}")
        v = _as_f32(value, f"arithmetic {op} value").reshape(-1)
        if v.shape[0] < 1:
            raise ValueError(f"arithmetic {op}: an empty value")
        if op == "div" and np.any(v == 0):
            raise ValueError("arithmetic div: a value is 0")
        out.append({"op": op, "value": _to_list(v)})
    if not out:
        raise ValueError("an arithmetic layer needs at least one step")
    return {"type": "arithmetic", "steps": out}


# Layers that map each step's features to as many features: their width is the previous one's.
_ELEMENTWISE_LAYERS = ("activation", "layer_norm", "batch_norm", "arithmetic")


def _layer_widths(layer):
    """The feature vectors a layer's tensors fix (prelu slopes, norm weights), for the size check."""
    if layer["type"] == "activation":
        act = layer["activation"]
        return [len(act["weight"])] if isinstance(act, dict) and act["type"] == "prelu" and len(act["weight"]) > 1 else []
    if layer["type"] == "arithmetic":
        return [len(step["value"]) for step in layer["steps"] if len(step["value"]) > 1]
    return [len(layer[k]) for k in ("weight", "bias", "running_mean", "running_var") if k in layer]


def _layer_in_size(layer, width=None):
    if layer["type"] == "gru":
        return len(layer["weight_ih"][0])
    if layer["type"] == "embedding":  # V token ids in
        return len(layer["weight"])
    if layer["type"] in _ELEMENTWISE_LAYERS:
        widths = _layer_widths(layer)
        return widths[0] if widths else width
    return len(layer["weight"][0])


def _layer_out_size(layer, width=None):
    if layer["type"] == "gru":  # a bidirectional layer's outputs are both directions'
        return layer["hidden_size"] * (2 if layer.get("direction") == "bidirectional" else 1)
    if layer["type"] == "embedding":  # D features out
        return len(layer["weight"][0])
    if layer["type"] in _ELEMENTWISE_LAYERS:
        return _layer_in_size(layer, width)
    return len(layer["weight"])


def _matrix(value, name):
    """A [rows][cols] float32 matrix (rows >= 1, cols >= 1), finite."""
    if isinstance(value, (list, tuple)):
        if not all(isinstance(r, (list, tuple, np.ndarray)) for r in value):
            raise ValueError(f"{name}: expected a list of rows (lists of numbers)")
        lengths = {len(r) for r in value}
        if len(lengths) > 1:
            raise ValueError(f"{name}: rows of different lengths {sorted(lengths)}")
    arr = _as_f32(value, name)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{name}: expected a non-empty [T][n] matrix, got shape "
                         f"{list(arr.shape)}")
    return arr


def make_self_check(pairs):
    """Build a ``self_check`` dict from ``(inputs, outputs)`` pairs, one per
    sequence: ``inputs`` [T][input_size], ``outputs`` [T][output size]
    (tensors, numpy arrays or nested lists; rounded to float32).  Checks the
    structure (1..16 sequences, T >= 1, equal row counts, equal widths across
    sequences, finite numbers) but not the sizes against a model; ``model``
    does that."""
    pairs = list(pairs)
    if not 1 <= len(pairs) <= SELF_CHECK_MAX_SEQUENCES:
        raise ValueError(f"self_check: 1 to {SELF_CHECK_MAX_SEQUENCES} sequences; "
                         f"got {len(pairs)}")
    sequences, widths = [], None
    for i, pair in enumerate(pairs):
        try:
            inputs, outputs = pair
        except (TypeError, ValueError):
            raise ValueError(f"self_check sequence {i}: expected an (inputs, outputs) pair") from None
        x = _matrix(inputs, f"self_check sequence {i} inputs")
        y = _matrix(outputs, f"self_check sequence {i} outputs")
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"self_check sequence {i}: {x.shape[0]} input rows but "
                             f"{y.shape[0]} output rows")
        if widths is None:
            widths = (x.shape[1], y.shape[1])
        elif (x.shape[1], y.shape[1]) != widths:
            raise ValueError(f"self_check sequence {i}: rows of {x.shape[1]} inputs / "
                             f"{y.shape[1]} outputs, sequence 0 has {widths[0]} / {widths[1]}")
        sequences.append({"inputs": _to_list(x), "outputs": _to_list(y)})
    return {"sequences": sequences}


def _token_rows(inputs, vocab_size, name):
    """Self-check inputs of an embedding model: [T][1] integer token ids in
    0..vocab_size-1 (ints, integral floats or an integer / float array).
    Returns them as a list of [int] rows."""
    if hasattr(inputs, "detach"):
        inputs = inputs.detach().cpu().numpy()
    arr = np.asarray(inputs)
    if arr.dtype == object or arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] != 1:
        raise ValueError(f"{name}: an embedding model takes [T][1] rows holding one token id "
                         f"each; got shape {list(arr.shape)}")
    if arr.dtype.kind not in "iuf" or arr.dtype == np.bool_:
        raise ValueError(f"{name}: token ids must be numbers")
    if arr.dtype.kind == "f" and not (np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
        raise ValueError(f"{name}: token ids must be integers")
    ids = [int(v) for v in arr[:, 0].tolist()]
    bad = [t for t in ids if not 0 <= t < vocab_size]
    if bad:
        raise ValueError(f"{name}: token id {bad[0]} outside 0..{vocab_size - 1}")
    return [[t] for t in ids]


def _check_self_check(self_check, input_size, output_size, vocab_size=None):
    """Validate a ``{"sequences": [...]}`` object for a model with these
    sizes; returns it normalised (float32 numbers).  ``vocab_size`` (an
    embedding model): input rows are [1] integer token ids below it, stored
    as JSON integers."""
    if not isinstance(self_check, dict):
        raise ValueError("self_check must be a dict {\"sequences\": [...]}")
    extra = sorted(set(self_check) - {"sequences"})
    if extra:
        raise ValueError(f"self_check: unknown key(s) {', '.join(extra)} (only 'sequences')")
    if "sequences" not in self_check or not isinstance(self_check["sequences"], (list, tuple)):
        raise ValueError("self_check: 'sequences' must be a list")
    pairs = []
    for i, seq in enumerate(self_check["sequences"]):
        if not isinstance(seq, dict) or set(seq) != {"inputs", "outputs"}:
            raise ValueError(f"self_check sequence {i}: must be an object with exactly "
                             "the keys 'inputs' and 'outputs'")
        pairs.append((seq["inputs"], seq["outputs"]))
    result = make_self_check(pairs)
    if vocab_size is not None:
        for i, (seq, (inputs, _)) in enumerate(zip(result["sequences"], pairs)):
            seq["inputs"] = _token_rows(inputs, vocab_size, f"self_check sequence {i} inputs")
        for i, seq in enumerate(result["sequences"]):
            if len(seq["outputs"][0]) != output_size:
                raise ValueError(f"self_check sequence {i}: output rows have "
                                 f"{len(seq['outputs'][0])} values, the model outputs "
                                 f"{output_size}")
        return result
    for i, seq in enumerate(result["sequences"]):
        if len(seq["inputs"][0]) != input_size:
            raise ValueError(f"self_check sequence {i}: input rows have {len(seq['inputs'][0])} "
                             f"values, the model's input_size is {input_size}")
        if len(seq["outputs"][0]) != output_size:
            raise ValueError(f"self_check sequence {i}: output rows have "
                             f"{len(seq['outputs'][0])} values, the model outputs {output_size}")
    return result


def _normalization(value, size, name):
    """Validate ``(mean, std)`` (or ``{"mean": ..., "std": ...}``) for a
    vector of ``size`` values; returns ``{"mean": [...], "std": [...]}`` with
    float32 numbers.  A scalar is accepted when ``size`` is 1."""
    if isinstance(value, dict):
        keys = set(value)
        if keys != {"mean", "std"}:
            extra = sorted(keys - {"mean", "std"})
            missing = sorted({"mean", "std"} - keys)
            what = (f"unknown key(s) {', '.join(extra)}" if extra
                    else f"missing key(s) {', '.join(missing)}")
            raise ValueError(f"{name}: {what} (exactly 'mean' and 'std')")
        mean, std = value["mean"], value["std"]
    else:
        try:
            mean, std = value
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected a (mean, std) pair") from None
    result = {}
    for key, v in (("mean", mean), ("std", std)):
        if isinstance(v, (str, bytes, dict)) or v is None:
            raise ValueError(f"{name}.{key}: expected numbers, got {type(v).__name__}")
        try:
            with np.errstate(over="ignore"):
                arr = _as_f32(v, f"{name}.{key}")
        except (TypeError, ValueError) as e:
            if "non-finite" in str(e):
                raise ValueError(f"{e} (or beyond the float32 range)") from None
            raise ValueError(f"{name}.{key}: expected numbers ({e})") from None
        if arr.ndim == 0 and size == 1:
            arr = arr.reshape(1)
        if arr.ndim != 1 or arr.shape[0] != size:
            raise ValueError(f"{name}.{key}: expected {size} value(s), got shape "
                             f"{list(arr.shape)}")
        if key == "std" and not np.all(arr > 0):
            bad = [i for i, s in enumerate(arr.tolist()) if not s > 0]
            raise ValueError(f"{name}.std: every value must be > 0 (as float32); "
                             f"element(s) {bad[:8]} are not")
        result[key] = _to_list(arr)
    return result


def _normalization_arrays(norm):
    """``{"mean", "std"}`` dict -> (mean, std) float32 arrays, or None."""
    if norm is None:
        return None
    return (np.asarray(norm["mean"], dtype=np.float32),
            np.asarray(norm["std"], dtype=np.float32))


def model(input_size, layers, metadata=None, self_check=None, input_normalization=None,
          output_normalization=None):
    """Assemble a ``grutiny/1`` model dict and check the layer sequence:
    an optional ``embedding`` layer (first, followed by a gru layer;
    ``input_size`` must then be its V), then ``gru``, ``dense``,
    ``activation``, ``layer_norm`` and ``batch_norm`` layers in any order, at
    least one of them a ``gru`` layer, each layer's input size equal to the
    previous layer's output size.
    ``input_normalization`` / ``output_normalization`` (optional):
    ``(mean, std)`` with input_size / output size values each, std > 0;
    stored after ``layers``.
    ``self_check`` (optional): ``{"sequences": [{"inputs", "outputs"}, ...]}``
    in raw units, checked against the model's input and output sizes and
    stored last (for an embedding model its inputs are [T][1] token ids).
    An embedding model cannot have ``input_normalization``."""
    if isinstance(input_size, bool) or not isinstance(input_size, (int, np.integer)) or input_size < 1:
        raise ValueError(f"input_size must be an integer >= 1; got {input_size!r}")
    layers = list(layers)
    if not layers:
        raise ValueError("a model needs at least one layer")
    embedding = layers[0].get("type") == "embedding"
    if embedding:
        if len(layers) < 2 or layers[1].get("type") != "gru":
            raise ValueError("an embedding layer must be followed by a gru layer")
        if int(input_size) != _layer_in_size(layers[0]):
            raise ValueError(f"input_size={input_size} but the embedding layer has "
                             f"{_layer_in_size(layers[0])} rows (input_size must equal V)")
        if input_normalization is not None:
            raise ValueError("input_normalization is not allowed with an embedding layer "
                             "(the inputs are token ids)")
    if not any(layer.get("type") == "gru" for layer in layers):
        raise ValueError("a model needs at least one gru layer")
    size = int(input_size)
    for i, layer in enumerate(layers):
        kind = layer.get("type")
        if kind == "embedding":
            if i != 0:
                raise ValueError(f"layer {i}: an embedding layer is only allowed first")
        elif kind not in ("gru", "dense") + _ELEMENTWISE_LAYERS:
            raise ValueError(f"layer {i}: unknown layer type {kind!r}")
        for width in _layer_widths(layer) if kind in _ELEMENTWISE_LAYERS else []:
            if width != size:
                raise ValueError(f"layer {i} ({kind}): holds {width} values per feature vector "
                                 f"but receives {size} features")
        if kind == "dense" and isinstance(layer["activation"], dict) \
                and layer["activation"]["type"] == "prelu" \
                and len(layer["activation"]["weight"]) not in (1, len(layer["weight"])):
            raise ValueError(f"layer {i} (dense): prelu has {len(layer['activation']['weight'])} "
                             f"slopes for {len(layer['weight'])} outputs")
        if _layer_in_size(layer, size) != size:
            raise ValueError(f"layer {i} ({kind}): expects {_layer_in_size(layer, size)} inputs "
                             f"but receives {size}")
        size = _layer_out_size(layer, size)
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata must be a dict (JSON object)")
    result = {"format": FORMAT, "input_size": int(input_size), "layers": layers}
    if input_normalization is not None:
        result["input_normalization"] = _normalization(input_normalization, int(input_size),
                                                       "input_normalization")
    if output_normalization is not None:
        result["output_normalization"] = _normalization(output_normalization, size,
                                                        "output_normalization")
    if metadata is not None:
        result["metadata"] = metadata
    if self_check is not None:
        result["self_check"] = _check_self_check(self_check, int(input_size), size,
                                                 int(input_size) if embedding else None)
    return result


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

def _compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps(model_dict):
    """Serialize a model dict: compact JSON, one line per layer and per
    self-check sequence (git-friendly), no whitespace inside number arrays.
    Keys are written in dict order."""
    lines = []
    items = list(model_dict.items())
    for idx, (key, value) in enumerate(items):
        comma = "," if idx < len(items) - 1 else ""
        if key == "layers":
            lines.append(_compact(key) + ":[")
            for j, layer in enumerate(value):
                lines.append(_compact(layer) + ("," if j < len(value) - 1 else ""))
            lines.append("]" + comma)
        elif (key == "self_check" and isinstance(value, dict) and list(value) == ["sequences"]
              and isinstance(value["sequences"], list) and value["sequences"]):
            seqs = value["sequences"]
            lines.append(_compact(key) + ":{" + _compact("sequences") + ":[")
            for j, seq in enumerate(seqs):
                lines.append(_compact(seq) + ("," if j < len(seqs) - 1 else ""))
            lines.append("]}" + comma)
        else:
            lines.append(_compact(key) + ":" + _compact(value) + comma)
    return "{\n" + "\n".join(lines) + "\n}\n"


def write(model_dict, path):
    """Write ``model_dict`` to ``path`` (UTF-8, compact JSON)."""
    text = dumps(model_dict)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


# --------------------------------------------------------------------------
# PyTorch module export: reading the layers
# --------------------------------------------------------------------------

_ACTIVATION_MODULES = ("ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "LeakyReLU", "PReLU",
                       "ELU", "GELU", "Hardtanh", "ReLU6", "Hardsigmoid", "SiLU", "Softsign",
                       "Identity")
_NOOP_MODULES = ("Dropout", "Identity")
_CONTAINERS = ("Sequential", "ModuleList")
_SUPPORTED_MODULES = ("nn.GRU, nn.Linear, nn.LayerNorm, nn.BatchNorm1d (eval mode) and the "
                      "activations nn.ReLU, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.GELU, nn.Hardtanh, "
                      "nn.ReLU6, nn.Hardsigmoid, nn.SiLU, nn.Softsign, nn.Sigmoid, nn.Tanh, "
                      "nn.Softmax(dim=-1), nn.LogSoftmax(dim=-1), in any order with at least one "
                      "nn.GRU; an nn.Embedding first (followed by an nn.GRU); nn.Dropout and "
                      "nn.Identity")
# Modules whose parameters and buffers the file holds.
_LAYER_MODULES = ("GRU", "Linear", "Embedding", "LayerNorm", "BatchNorm1d", "PReLU")


def _kind(m):
    """Class name of a module; for TorchScript modules the original name."""
    try:
        import torch
        if isinstance(m, torch.jit.ScriptModule):
            return getattr(m, "original_name", type(m).__name__)
    except ImportError:  # pragma: no cover
        pass
    return type(m).__name__


def _flatten(named):
    """Expand nested nn.Sequential / nn.ModuleList / lists in a list of (name, module) pairs."""
    out = []
    for name, m in named:
        if isinstance(m, (list, tuple)):
            out.extend(_flatten([(f"{name}.{j}", c) for j, c in enumerate(m)]))
        elif _kind(m) in _CONTAINERS:
            out.extend(_flatten([(f"{name}.{n}", c) for n, c in m.named_children()]))
        else:
            out.append((name, m))
    return out


def _split_modules(modules):
    """(the user's own module or None, the flat [(name, module)] chain the layers are read from).

    A user's module gives its children in registration order, named by attribute path
    (``Model.fc``); a list, tuple, nn.Sequential or nn.ModuleList -- or a single module such as an
    nn.GRU -- is the chain itself, named by position (``module 2``)."""
    if hasattr(modules, "children") and _kind(modules) not in _CONTAINERS:
        children = list(modules.named_children())
        if _kind(modules) != "GRU" and children:
            owner = _kind(modules)
            return modules, _flatten([(f"{owner}.{n}", c) for n, c in children])
        modules = [modules]
    flat = _flatten([("", m) for m in modules])
    return None, [(f"module {i}", m) for i, (_, m) in enumerate(flat)]


def _initial_rows(h0, gru, label):
    """A learned initial state for ``gru`` as one [H] row per layer: h0 of shape
    [num_layers, 1, H] (nn.GRU's own h0 for batch 1), [num_layers, H], or [H] for one layer."""
    h = _as_f32(h0, f"{label}: initial state")
    layers = int(gru.num_layers) * (2 if getattr(gru, "bidirectional", False) else 1)  # PyTorch's num_layers * num_directions
    hidden = int(gru.hidden_size)
    if h.ndim == 3 and h.shape[1] == 1:
        h = h[:, 0]
    elif h.ndim == 1 and layers == 1:
        h = h[None]
    if h.ndim != 2 or h.shape != (layers, hidden):
        raise ValueError(f"{label}: the initial state has shape {list(_as_f32(h0, 'h0').shape)}; expected "
                         f"[{layers}, 1, {hidden}] (num_layers * num_directions, batch 1, hidden_size), "
                         f"[{layers}, {hidden}]" + (f" or [{hidden}]" if layers == 1 else ""))
    return list(h)


def _gru_layers(gru, label, initial_state=None):
    """The grutiny/1 layers of an nn.GRU: one per layer; a bidirectional one's with its ``_reverse``
    tensors (h0 rows 2k and 2k + 1, PyTorch's order)."""
    bidirectional = bool(getattr(gru, "bidirectional", False))
    if getattr(gru, "proj_size", 0):
        raise ValueError(f"{label}: proj_size > 0 is not supported")
    if getattr(gru, "mode", "GRU") != "GRU":
        raise ValueError(f"{label}: not a GRU (mode {gru.mode!r})")
    layers = []
    rows = None if initial_state is None else _initial_rows(initial_state, gru, label)
    for k in range(int(gru.num_layers)):
        w_ih = getattr(gru, f"weight_ih_l{k}")
        w_hh = getattr(gru, f"weight_hh_l{k}")
        b_ih = getattr(gru, f"bias_ih_l{k}", None) if gru.bias else None
        b_hh = getattr(gru, f"bias_hh_l{k}", None) if gru.bias else None
        directions = 2 if bidirectional else 1
        reverse = None
        if bidirectional:
            reverse = {"weight_ih": getattr(gru, f"weight_ih_l{k}_reverse"),
                       "weight_hh": getattr(gru, f"weight_hh_l{k}_reverse"),
                       "bias_ih": getattr(gru, f"bias_ih_l{k}_reverse", None) if gru.bias else None,
                       "bias_hh": getattr(gru, f"bias_hh_l{k}_reverse", None) if gru.bias else None,
                       "initial_state": None if rows is None else rows[directions * k + 1]}
        try:
            layers.append(gru_layer(w_ih, w_hh, b_ih, b_hh, linear_before_reset=True,
                                    initial_state=None if rows is None else rows[directions * k],
                                    direction="bidirectional" if bidirectional else "forward",
                                    reverse=reverse))
        except ValueError as e:
            raise ValueError(f"{label}, layer {k}: {e}") from None
    return layers


def _activation_of(m, label):
    """The activation (a name or a dict) of an activation module."""
    kind = _kind(m)
    if kind in ("Softmax", "LogSoftmax"):
        _softmax_dim_ok(m, label)
        return "softmax" if kind == "Softmax" else "log_softmax"
    if kind == "LeakyReLU":
        return {"type": "leaky_relu", "negative_slope": float(m.negative_slope)}
    if kind == "PReLU":
        return {"type": "prelu", "weight": m.weight.detach().cpu().float().numpy()}
    if kind == "ELU":
        return {"type": "elu", "alpha": float(m.alpha)}
    if kind == "GELU":
        approximate = getattr(m, "approximate", "none")
        if approximate not in ("none", "tanh"):
            raise ValueError(f"{label}: GELU(approximate={approximate!r}) is not a form GruTiny "
                             "computes ('none' or 'tanh')")
        return "gelu" if approximate == "none" else "gelu_tanh"
    if kind in ("Hardtanh", "ReLU6"):
        return {"type": "hardtanh", "min_val": float(m.min_val), "max_val": float(m.max_val)}
    if kind == "Hardsigmoid":
        # PyTorch: relu6(x + 3) / 6, written out so that no reader assumes ONNX's alpha 0.2.
        return {"type": "hardsigmoid", "alpha": 1.0 / 6.0, "beta": 0.5}
    return {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "SiLU": "silu",
            "Softsign": "softsign", "Identity": "linear"}[kind]


def _norm_layer_at(m, label, width):
    """The layer_norm or batch_norm layer of an nn.LayerNorm / nn.BatchNorm1d."""
    kind = _kind(m)
    if kind == "LayerNorm":
        shape = tuple(m.normalized_shape)
        if len(shape) != 1:
            raise ValueError(f"{label}: normalized_shape {list(shape)} normalises over more than "
                             "the features; GruTiny's layer_norm normalises each step's features "
                             "(nn.LayerNorm(features))")
        affine = m.elementwise_affine
        return layer_norm_layer(m.eps, m.weight if affine else None, m.bias if affine else None)
    if m.training:
        raise ValueError(f"{label}: nn.BatchNorm1d is in training mode, where it normalises with "
                         "the statistics of each batch; call .eval() on the model before "
                         "exporting (GruTiny compiles inference, with the running statistics)")
    if not m.track_running_stats or m.running_mean is None:
        raise ValueError(f"{label}: nn.BatchNorm1d(track_running_stats=False) normalises with "
                         "the statistics of each batch even in eval mode; GruTiny compiles a "
                         "fixed per-feature normalisation (train with running statistics)")
    return batch_norm_layer(m.eps, m.running_mean, m.running_var,
                            m.weight if m.affine else None, m.bias if m.affine else None)


def _softmax_dim_ok(m, label):
    dim = getattr(m, "dim", None)
    if dim == -1:
        return
    if dim == 2:  # last dimension of a batched (N, T, F) / (T, N, F) tensor
        return
    if dim == 1:
        # Stack: _softmax_dim_ok, _dense_layer_at, _read_layers, _export, export, the caller.
        kind = _kind(m)
        warnings.warn(f"{label}: {kind}(dim=1) is the feature dimension only for "
                      f"unbatched (T, F) input; exported as {kind.lower()} over the features "
                      "(prefer dim=-1)", stacklevel=6)
        return
    raise ValueError(f"{label}: {_kind(m)}(dim={dim!r}) is not over the last "
                     f"dimension; use nn.{_kind(m)}(dim=-1)")


def _unsupported_module(label, m):
    """Why ``m`` cannot be one of the layers, and what to do instead."""
    import torch
    kind = _kind(m)
    if kind in ("LSTM", "RNN", "LSTMCell", "GRUCell", "RNNCell"):
        return (f"{label}: nn.{kind} is not supported: GruTiny compiles nn.GRU layers only (LSTM and "
                "simple RNN layers are not implemented yet, and a cell is stepped by your own forward); "
                "train the model with nn.GRU")
    if kind in ("Conv1d", "Conv2d", "ConvTranspose1d"):
        return (f"{label}: nn.{kind} is not supported: GruTiny has no convolution layers yet (Conv1D "
                "is planned); compute the convolution before the model in your own code, or train "
                "without it")
    if hasattr(torch.nn, kind):
        return (f"{label}: nn.{kind} is not a layer grutiny/1 can hold; it holds "
                f"{_SUPPORTED_MODULES}")
    return (f"{label} is a module of your own, not a layer. The exporter takes the layers from "
            f"{_SUPPORTED_MODULES} (nested nn.Sequential / nn.ModuleList expanded) and does not "
            "look inside other modules, because what their forward does with their children "
            "cannot be read from the children. Export that module itself if it is the whole model "
            "(export(module) checks its forward against its children), register its layers "
            f"directly on the module you export (self.gru = nn.GRU(...) rather than self.x = "
            f"{kind}(...)), or export to ONNX with export_onnx (docs/onnx.md), which compiles what "
            "forward computes")


def _dense_layer_at(named, i, label):
    """The dense layer of the nn.Linear at ``named[i]`` with the activation module that follows
    it (Dropout in between skipped): (layer, the index after them)."""
    m = named[i][1]
    activation = "linear"
    j = i + 1
    while j < len(named) and _kind(named[j][1]) == "Dropout":
        j += 1
    if j < len(named) and _kind(named[j][1]) in _ACTIVATION_MODULES:
        following = named[j][1]
        activation = _activation_of(following, f"{named[j][0]} ({_kind(following)})")
        j += 1
    bias = m.bias if getattr(m, "bias", None) is not None else None
    try:
        return dense_layer(m.weight, bias, activation), j
    except ValueError as e:
        raise ValueError(f"{label}: {e}") from None


def _embedding_layer_at(named, i, label):
    """The embedding layer of the nn.Embedding at ``named[i]``, which an nn.GRU must follow."""
    m = named[i][1]
    if getattr(m, "max_norm", None) is not None:
        raise ValueError(f"{label}: max_norm is not supported (it renormalises the weights "
                         "during the forward pass)")
    j = i + 1
    while j < len(named) and _kind(named[j][1]) in _NOOP_MODULES:
        j += 1
    if j >= len(named) or _kind(named[j][1]) != "GRU":
        raise ValueError(f"{label}: must be followed by an nn.GRU")
    try:
        return embedding_layer(m.weight)
    except ValueError as e:
        raise ValueError(f"{label}: {e}") from None


def _initial_states_by_module(initial_state, named):
    """``export``'s ``initial_state`` as {id(nn.GRU): h0}: a tensor for the model's only nn.GRU, or
    a dict {nn.GRU module: h0}."""
    if initial_state is None:
        return {}
    grus = [m for _, m in named if _kind(m) == "GRU"]
    if not isinstance(initial_state, dict):
        if len(grus) != 1:
            raise ValueError(f"initial_state is one tensor, but the model has {len(grus)} nn.GRU "
                             "modules: pass a dict {gru_module: h0} instead")
        return {id(grus[0]): initial_state}
    ids = {id(m) for m in grus}
    for m in initial_state:
        if id(m) not in ids:
            raise ValueError(f"initial_state has a key that is not one of the model's nn.GRU "
                             f"modules ({_kind(m)}): key the dict by the nn.GRU modules themselves")
    return {id(m): h0 for m, h0 in initial_state.items()}


def _read_layers(named, initial_states=None):
    """The grutiny/1 layers of a flat [(name, module)] chain: (layers, the name of the module
    each layer comes from, the first nn.GRU, the nn.Embedding or None).  ``initial_states``:
    {id(nn.GRU): h0}.  Raises ValueError for what the format cannot hold."""
    initial_states = initial_states or {}
    layers, sources = [], []
    first_gru = embedding = None
    i = 0
    while i < len(named):
        name, m = named[i]
        kind = _kind(m)
        label = f"{name} ({kind})"
        if kind == "Embedding":
            if layers or any(_kind(p) not in _NOOP_MODULES for _, p in named[:i]):
                raise ValueError(f"{label}: an nn.Embedding is only allowed as the first module")
            layers.append(_embedding_layer_at(named, i, label))
            sources.append(name)
            embedding = m
            i += 1
        elif kind == "GRU":
            if first_gru is None:
                first_gru = m
            grus = _gru_layers(m, label, initial_states.get(id(m)))
            layers.extend(grus)
            sources.extend([name] * len(grus))
            i += 1
        elif kind == "Linear":
            layer, i = _dense_layer_at(named, i, label)
            layers.append(layer)
            sources.append(name)
        elif kind in _NOOP_MODULES:
            i += 1
        elif kind in _ACTIVATION_MODULES:
            layers.append(activation_layer(_activation_of(m, label)))
            sources.append(name)
            i += 1
        elif kind in ("LayerNorm", "BatchNorm1d"):
            layers.append(_norm_layer_at(m, label, None))
            sources.append(name)
            i += 1
        else:
            raise ValueError(_unsupported_module(label, m))
    if first_gru is None:
        raise ValueError("no nn.GRU found: a grutiny/1 model has at least one GRU")
    if embedding is not None and (len(layers) < 2 or layers[1]["type"] != "gru"):
        raise ValueError(f"{sources[0]} (Embedding): must be followed by an nn.GRU")
    return layers, sources, first_gru, embedding


def _first_width(layers):
    """The input width the first layer that fixes one says (a GRU, a Linear, a norm, a prelu)."""
    for layer in layers:
        if layer["type"] in ("gru", "dense"):
            return _layer_in_size(layer)
        widths = _layer_widths(layer)
        if widths:
            return widths[0]
    return None  # pragma: no cover (a model has a GRU)


def _resolve_input_size(input_size, first_gru, embedding, layers=None):
    """The model's input_size: as given, which must agree with the modules, or read from them
    (the Embedding's num_embeddings, else the first layer that fixes a width)."""
    if embedding is not None:
        vocab = int(embedding.num_embeddings)
        if input_size is not None and int(input_size) != vocab:
            raise ValueError(f"input_size={input_size} but the nn.Embedding has "
                             f"num_embeddings={vocab} (an embedding model's input_size is V)")
        if int(embedding.embedding_dim) != int(first_gru.input_size):
            raise ValueError(f"the nn.Embedding has embedding_dim={embedding.embedding_dim} but "
                             f"the first GRU has input_size={first_gru.input_size}")
        return vocab
    width = int(first_gru.input_size) if layers is None else _first_width(layers)
    if input_size is not None and int(input_size) != width:
        raise ValueError(f"input_size={input_size} but the first layer takes {width} features")
    return width


def _check_input_size(input_size):
    if isinstance(input_size, bool) or not isinstance(input_size, (int, np.integer)) \
            or input_size < 1:
        raise ValueError(f"input_size must be an integer >= 1; got {input_size!r}")
    return int(input_size)


def self_check_inputs(input_size, sequences=SELF_CHECK_SEQUENCES, steps=SELF_CHECK_STEPS,
                      seed=SELF_CHECK_SEED):
    """The standard self-check inputs: ``sequences`` float32 arrays
    [steps][input_size] of standard-normal values from
    ``numpy.random.default_rng(seed)``."""
    if not 1 <= int(sequences) <= SELF_CHECK_MAX_SEQUENCES:
        raise ValueError(f"sequences must be 1..{SELF_CHECK_MAX_SEQUENCES}; got {sequences}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1; got {steps}")
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((int(steps), int(input_size)), dtype=np.float32)
            for _ in range(int(sequences))]


def self_check_tokens(vocab_size, sequences=SELF_CHECK_SEQUENCES, steps=SELF_CHECK_STEPS,
                      seed=SELF_CHECK_SEED):
    """The standard self-check inputs of an embedding model: ``sequences``
    int64 arrays [steps][1] of token ids drawn uniformly from
    0..vocab_size-1 with ``numpy.random.default_rng(seed)``."""
    if not 1 <= int(sequences) <= SELF_CHECK_MAX_SEQUENCES:
        raise ValueError(f"sequences must be 1..{SELF_CHECK_MAX_SEQUENCES}; got {sequences}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1; got {steps}")
    if int(vocab_size) < 1:
        raise ValueError(f"vocab_size must be >= 1; got {vocab_size}")
    rng = np.random.default_rng(seed)
    return [rng.integers(0, int(vocab_size), size=(int(steps), 1), dtype=np.int64)
            for _ in range(int(sequences))]


# --------------------------------------------------------------------------
# Running modules without leaving a trace
# --------------------------------------------------------------------------

class _Preserved:
    """Puts modules (and their submodules) in eval mode for the duration and then undoes what
    running them changed: the exporter calls a user's forward many times, and a forward that keeps
    state (``self.h = h``), a weight_norm that reassigns ``.weight``, or a buffer updated in place
    must be as the user left them afterwards.  Restored: every attribute a submodule had (its
    ``__dict__``, the parameter / buffer / submodule tables), the values of its buffers, and its
    training flag."""

    def __init__(self, modules):
        self.modules = [m for m in modules if hasattr(m, "modules")]

    def __enter__(self):
        # Everything is recorded before anything is switched: the modules may overlap (a user's
        # module and its own children).
        self.saved = []
        for m in self.modules:
            for sub in m.modules():
                attrs = dict(vars(sub))
                tables = {k: dict(v) for k, v in attrs.items()
                          if k in ("_parameters", "_buffers", "_modules") and isinstance(v, dict)}
                buffers = [(b, b._version, b.detach().clone())
                           for b in sub.buffers(recurse=False)]
                self.saved.append((sub, attrs, tables, buffers))
        for m in self.modules:
            m.eval()
        return self

    def __exit__(self, *exc):
        import torch
        for sub, attrs, tables, buffers in self.saved:
            state = vars(sub)
            state.clear()
            state.update(attrs)  # includes the training flag
            for key, table in tables.items():
                attrs[key].clear()
                attrs[key].update(table)
            with torch.no_grad():
                for buf, version, value in buffers:
                    if buf._version != version:  # bumped by every in-place update
                        buf.copy_(value)
        return False


def _module_state(module):
    """What a call could change in ``module``, by name: every attribute of every submodule (the
    object itself, compared by identity) and the version counter of every buffer."""
    state = {}
    for path, sub in module.named_modules():
        owner = f"{_kind(module)}.{path}" if path else _kind(module)
        for key, value in vars(sub).items():
            state[f"{owner}.{key}"] = value
        for key, buf in sub.named_buffers(recurse=False):
            state[f"{owner}.{key}"] = ("buffer version", buf._version)
    return state


def _changed_state(module, before):
    """The names of ``_module_state`` whose attribute a call replaced or whose buffer it updated."""
    def same(a, b):
        return a is b or (isinstance(a, tuple) and a == b)  # tuples: buffer versions

    after = _module_state(module)
    return [k for k, v in after.items() if k not in before or not same(before[k], v)]


def _module_device(modules):
    for m in modules:
        for p in (m.parameters() if hasattr(m, "parameters") else ()):
            return p.device
    return None


def _as_float32_module(m):
    """``m`` itself if its floating-point parameters are float32, otherwise a
    float32 copy (the self-check runs in float32, like the stored weights)."""
    import torch
    params = list(m.parameters()) if hasattr(m, "parameters") else []
    if all(p.dtype == torch.float32 for p in params if p.is_floating_point()):
        return m
    import copy
    return copy.deepcopy(m).float()


def _call_gru(g, x):
    """``g(x)`` for an nn.GRU; a TorchScript GRU loaded from a file has no
    ``forward``, only its overloads (``forward__0`` for a Tensor input)."""
    if hasattr(g, "forward"):
        return g(x)
    names = g._c._method_names() if hasattr(g, "_c") else []
    for name in names:
        if name.startswith("forward__") and "Tensor input" in str(g._c._get_method(name).schema):
            return getattr(g, name)(x)
    raise ValueError("cannot run this TorchScript GRU (no forward method for a Tensor input)")


def _within_tolerance(got, want):
    """|got - want| / max(1, |got|) for every value (float64), the parity check's measure."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return np.abs(want - got) / np.maximum(1.0, np.abs(got))


# --------------------------------------------------------------------------
# What the file holds, and what the modules compute
# --------------------------------------------------------------------------

def _torch_activation(activation):
    """The stored activation as a PyTorch function of [T][F] rows."""
    import torch
    import torch.nn.functional as F
    name = _activation_name(activation)
    p = dict(ACTIVATION_PARAMETERS.get(name, {}))
    if isinstance(activation, dict):
        p.update({k: v for k, v in activation.items() if k != "type"})
    if name == "prelu":
        slopes = torch.tensor(p["weight"], dtype=torch.float32)
        return lambda v: F.prelu(v, slopes)
    if name == "hardsigmoid":
        a, b = float(np.float32(p["alpha"])), float(np.float32(p["beta"]))
        if np.float32(a) == np.float32(1 / 6) and np.float32(b) == np.float32(0.5):
            return F.hardsigmoid  # PyTorch's own: relu6(x + 3) / 6
        return lambda v: torch.clamp(v * a + b, 0.0, 1.0)
    return {"linear": lambda v: v, "relu": torch.relu, "sigmoid": torch.sigmoid,
            "tanh": torch.tanh, "softmax": lambda v: torch.softmax(v, dim=-1),
            "log_softmax": lambda v: torch.log_softmax(v, dim=-1),
            "leaky_relu": lambda v: F.leaky_relu(v, p["negative_slope"]),
            "elu": lambda v: F.elu(v, p["alpha"]),
            "gelu": F.gelu, "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"),
            "hardtanh": lambda v: F.hardtanh(v, p["min_val"], p["max_val"]),
            "silu": F.silu, "softsign": F.softsign}[name]


def _layer_step(layer):
    """One stored layer as a function of a [T][in] tensor (an embedding layer: [T][1] token ids),
    run by a fresh float32 PyTorch module that holds exactly the stored weights."""
    import torch
    import torch.nn.functional as F

    def tensor(key):
        return torch.tensor(layer[key], dtype=torch.float32)

    if layer["type"] == "embedding":
        weight = tensor("weight")
        return lambda x: F.embedding(x.reshape(-1).long(), weight)
    if layer["type"] == "gru":
        hidden, biased = layer["hidden_size"], "bias_ih" in layer or "bias_hh" in layer
        direction = layer.get("direction", "forward")
        if "clip" in layer or direction == "reverse":  # never written by export(): nn.GRU has neither
            raise ValueError("a gru layer with 'clip' or direction 'reverse' has no PyTorch equivalent to check it against")
        bidirectional = direction == "bidirectional"
        biased = biased or "bias_ih_reverse" in layer or "bias_hh_reverse" in layer
        # Its random initialisation, overwritten below, must not move the user's random state.
        with torch.random.fork_rng(devices=[]):
            gru = torch.nn.GRU(len(layer["weight_ih"][0]), hidden, bias=biased, bidirectional=bidirectional)
        with torch.no_grad():
            for suffix in ("", "_reverse") if bidirectional else ("",):
                getattr(gru, f"weight_ih_l0{suffix}").copy_(tensor("weight_ih" + suffix))
                getattr(gru, f"weight_hh_l0{suffix}").copy_(tensor("weight_hh" + suffix))
                for key in ("bias_ih", "bias_hh") if biased else ():
                    # A bias the file leaves out is zero, as GruTiny reads it.
                    getattr(gru, f"{key}_l0{suffix}").copy_(tensor(key + suffix) if key + suffix in layer
                                                            else torch.zeros(3 * hidden))
        halves = ("initial_state", "initial_state_reverse") if bidirectional else ("initial_state",)
        if any(key in layer for key in halves):
            h0 = torch.stack([tensor(key) if key in layer else torch.zeros(hidden) for key in halves])[:, None]
            return lambda x: gru(x[:, None], h0)[0][:, 0]
        return lambda x: gru(x[:, None])[0][:, 0]
    if layer["type"] == "activation":
        return _torch_activation(layer["activation"])
    if layer["type"] == "arithmetic":
        ops = {"add": lambda x, c: x + c, "sub": lambda x, c: x - c, "sub_from": lambda x, c: c - x,
               "mul": lambda x, c: x * c, "div": lambda x, c: x / c}
        steps = [(ops[step["op"]], torch.tensor(step["value"], dtype=torch.float32)) for step in layer["steps"]]

        def arithmetic(x):
            for fn, c in steps:
                x = fn(x, c)
            return x
        return arithmetic
    weight = tensor("weight") if "weight" in layer else None
    bias = tensor("bias") if "bias" in layer else None
    if layer["type"] == "layer_norm":
        return lambda x: F.layer_norm(x, (x.shape[-1],), weight, bias, layer["eps"])
    if layer["type"] == "batch_norm":
        mean, var = tensor("running_mean"), tensor("running_var")
        return lambda x: F.batch_norm(x, mean, var, weight, bias, False, 0.0, layer["eps"])
    activation = _torch_activation(layer["activation"])
    return lambda x: activation(F.linear(x, weight, bias))


class _FileChain:
    """The layers as the file holds them, run in float32 PyTorch by fresh nn.Embedding / nn.GRU /
    nn.Linear computations loaded with the stored weights: nothing of the exported modules (a
    hook, a reparametrisation, their forward) takes part.  For an exact export it computes bit for
    bit what the exported modules compute on CPU (PyTorch 1.13)."""

    def __init__(self, layers, sources):
        self.layers = layers
        self.sources = sources  # the name of the module each layer was read from
        self.steps = [_layer_step(layer) for layer in layers]
        # A reverse or bidirectional GRU: the model reads whole sequences (GruTiny's IGruSequenceModel).
        self.whole = any(layer["type"] == "gru" and layer.get("direction", "forward") != "forward"
                         for layer in layers)

    def prefix_rows(self, seq, steps):
        """For each step t of ``steps``: the output at the last step of the layers run on the first
        t + 1 steps (what GruTiny's RunFinal gives for that prefix)."""
        return np.stack([self.rows(seq[:t + 1])[t] for t in steps])

    def describe(self):
        parts = []
        for layer in self.layers:
            if layer["type"] == "gru":
                parts.append(f"GRU({layer['hidden_size']})")
            elif layer["type"] == "embedding":
                parts.append(f"Embedding({len(layer['weight'])}, {len(layer['weight'][0])})")
            elif layer["type"] == "activation":
                parts.append(_activation_name(layer["activation"]))
            elif layer["type"] in ("layer_norm", "batch_norm"):
                parts.append("LayerNorm" if layer["type"] == "layer_norm" else "BatchNorm1d")
            elif layer["type"] == "arithmetic":
                parts.append(" ".join(step["op"] for step in layer["steps"]))
            else:
                act = _activation_name(layer["activation"])
                parts.append(f"Linear({len(layer['weight'])})"
                             + ("" if act == "linear" else f" + {act}"))
        return " -> ".join(parts)

    def rows(self, seq, input_fn=None, order=None):
        """The layers on one sequence ([T][in] float32, or [T][1] token ids) as float32 [T][out];
        ``input_fn`` applied to the input first and ``order`` (layer indices) instead of the
        stored order are what-ifs for naming the likely cause of a mismatch."""
        import torch
        x = torch.from_numpy(np.ascontiguousarray(seq))
        with torch.no_grad():
            if input_fn is not None:
                x = input_fn(x)
            for k in (range(len(self.steps)) if order is None else order):
                x = self.steps[k](x)
        return x.numpy()


class _CalledModules:
    """A list of modules as the model: each called on the previous one's output (a GRU's y) --
    their forward, hooks and reparametrisations included -- on one sequence, batch 1, each GRU in
    its own layout from the zero state; Linear and activations on the [T][F] per-step rows (a
    Softmax with dim=2 on [1][T][F]).  Dropout / Identity are skipped."""

    name = source = "the modules as called"

    def __init__(self, named):
        self.named = named
        self.mods = [(_kind(m), m if _kind(m) in _NOOP_MODULES else _as_float32_module(m))
                     for _, m in named]
        self.device = _module_device([m for _, m in named])

    @property
    def whole(self):
        """Whether a module reads whole sequences (a bidirectional nn.GRU)."""
        return any(kind == "GRU" and getattr(m, "bidirectional", False) for kind, m in self.mods)

    def rows(self, seq, prefixes=None):
        """(the steps, float32 [T][out]): one output per step, so ``prefixes`` does not matter; for a
        model that reads whole sequences row t is the last step's output on the first t + 1 steps."""
        if self.whole:
            return np.arange(len(seq)), np.stack([self._rows(seq[:t + 1])[t] for t in range(len(seq))])
        return np.arange(len(seq)), self._rows(seq)

    def _rows(self, seq):
        import torch
        x = torch.from_numpy(np.ascontiguousarray(seq))
        if self.device is not None:
            x = x.to(self.device)
        for kind, m in self.mods:
            if kind == "Embedding":
                x = m(x.reshape(-1).long())
            elif kind == "GRU":
                first = getattr(m, "batch_first", False)
                y = _call_gru(m, x[None] if first else x[:, None])
                y = y[0] if isinstance(y, (tuple, list)) else y
                x = y[0] if first else y[:, 0]
            elif kind in _NOOP_MODULES:
                continue
            elif kind in ("Softmax", "LogSoftmax") and getattr(m, "dim", None) == 2:
                x = m(x[None])[0]
            else:
                x = m(x)
        return x.detach().cpu().float().numpy()


# --------------------------------------------------------------------------
# Self-check size, parameter limit
# --------------------------------------------------------------------------

class ExportWarning(UserWarning):
    """Something about an exported file the user must act on, though the file is correct (for
    example a parameter count above the generator's limit)."""


def parameter_count(model_dict):
    """The parameters of a ``grutiny/1`` model dict, counted as GruTiny counts them against its
    limit (GRUT015): gru 3H(in + H) plus 3H per bias present, dense out * in plus out with a
    bias, embedding V * D, prelu's slopes, a norm's vectors (batch_norm: its running statistics
    too)."""
    count = 0
    width = int(model_dict["input_size"])
    for layer in model_dict["layers"]:
        if layer["type"] == "gru":
            hidden = int(layer["hidden_size"])
            halves = 2 if layer.get("direction") == "bidirectional" else 1
            count += halves * 3 * hidden * (width + hidden)
            count += sum(3 * hidden for key in ("bias_ih", "bias_hh", "bias_ih_reverse", "bias_hh_reverse")
                         if key in layer)
            width = hidden * halves
        elif layer["type"] == "dense":
            outputs = len(layer["weight"])
            count += outputs * width + (outputs if "bias" in layer else 0)
            act = layer["activation"]
            count += len(act["weight"]) if isinstance(act, dict) and "weight" in act else 0
            width = outputs
        elif layer["type"] == "activation":
            act = layer["activation"]
            count += len(act["weight"]) if isinstance(act, dict) and "weight" in act else 0
        elif layer["type"] == "layer_norm":
            count += sum(width for key in ("weight", "bias") if key in layer)
        elif layer["type"] == "batch_norm":
            count += 2 * width + sum(width for key in ("weight", "bias") if key in layer)
        elif layer["type"] == "arithmetic":
            count += sum(len(step["value"]) for step in layer["steps"])
        else:  # embedding: V rows of D
            count += len(layer["weight"]) * len(layer["weight"][0])
            width = len(layer["weight"][0])
    return count


def _check_max_parameters(max_parameters):
    if (isinstance(max_parameters, bool) or not isinstance(max_parameters, (int, np.integer))
            or not 1 <= max_parameters <= MAX_PARAMETERS_SETTING):
        raise ValueError(f"max_parameters must be an integer from 1 to {MAX_PARAMETERS_SETTING:,} "
                         f"(the range GruTinyMaxParameters accepts); got {max_parameters!r}")
    return int(max_parameters)


def _warn_parameter_limit(parameters, max_parameters, what, stacklevel):
    """An ExportWarning when GruTiny would refuse ``what`` (a model of ``parameters``
    parameters) at the limit ``max_parameters``."""
    if parameters <= max_parameters:
        return
    limit = (f"GruTiny's default limit of {max_parameters:,} (MSBuild property GruTinyMaxParameters)"
             if max_parameters == DEFAULT_MAX_PARAMETERS
             else f"the GruTinyMaxParameters of {max_parameters:,} given (max_parameters / "
                  "--max-parameters)")
    if parameters > MAX_PARAMETERS_SETTING:
        fix = (f"GruTinyMaxParameters cannot go above {MAX_PARAMETERS_SETTING:,}: make the model "
               "smaller")
    else:
        fix = (f"raise the limit in the project that compiles it, <PropertyGroup><GruTinyMaxParameters>"
               f"{parameters}</GruTinyMaxParameters></PropertyGroup> (GruNetwork.LoadFile: new "
               f"GruNetworkLoadOptions {{ MaxParameters = {parameters} }}), or make the model smaller")
    warnings.warn(f"{what} has {parameters:,} parameters, more than {limit}: GruTiny refuses it "
                  f"(GRUT015). To build it, {fix}", ExportWarning, stacklevel=stacklevel + 1)


def _warn_no_self_check(parameters, stacklevel):
    """The ExportWarning for a model too large for any self-check: its file builds unverified."""
    warnings.warn(f"no self_check stored: one step of a {parameters:,}-parameter model exceeds "
                  f"GruTiny's build-time self-check budget of {SELF_CHECK_MAX_WORK:,} "
                  "multiply-adds, so the build cannot verify the file against your model; pass "
                  "self_check=False (--no-self-check) to export it without one knowingly",
                  ExportWarning, stacklevel=stacklevel + 1)


def _self_check_size(parameters, whole=False):
    """(sequences, steps) of the standard self-check that fit the generator's build-time budget
    (steps over all sequences x parameters <= SELF_CHECK_MAX_WORK; a model that reads whole
    sequences runs every prefix, T(T + 1)/2 steps for T rows: SelfCheck.Cost), or None when not
    even one step fits."""
    parameters = max(1, int(parameters))

    def cost(sequences, steps):
        return sequences * (steps * (steps + 1) // 2 if whole else steps) * parameters

    for sequences in (SELF_CHECK_SEQUENCES, 1):
        steps = SELF_CHECK_STEPS
        while steps >= 1 and cost(sequences, steps) > SELF_CHECK_MAX_WORK:
            steps -= 1
        if steps >= 1:
            return sequences, steps
    return None


# --------------------------------------------------------------------------
# Running the user's own module
# --------------------------------------------------------------------------

def _flat_outputs(y):
    """forward's result as a flat list (nested tuples and lists expanded in order, as
    torch.onnx.export numbers its graph outputs)."""
    if isinstance(y, (tuple, list)):
        return [t for item in y for t in _flat_outputs(item)]
    return [y]


class _ModuleRunner:
    """Calls a user's module on one sequence (batch 1, its forward's own layout) and returns what it
    computes as per-step rows [T][out].

    What forward returns is measured, not assumed: ``probe`` first checks that forward gives the
    same answer twice, then runs it on 2 and on 3 steps.  An output whose shape follows the
    sequence length along exactly one axis is per-step (that axis is time); an output whose shape
    does not change is one vector per sequence (a classifier reading the last step, or h_n), and
    row t is then forward on the first t + 1 steps -- what GruTiny's per-step model gives after
    step t.  Of a tuple result, tensor ``output_index`` is the output (default the first: nn.GRU's
    (y, h_n) convention).  Anything else is refused."""

    def __init__(self, module, batch_first, tokens, input_size, layout_source="as given",
                 output_index=0):
        self.original = module
        self.module = _as_float32_module(module)
        self.layout_source = layout_source
        self.name = _kind(module)
        self.source = f"{self.name}.forward"
        self.batch_first = bool(batch_first)
        self.tokens = bool(tokens)
        self.input_size = int(input_size)
        self.output_index = output_index
        self.device = _module_device([module])
        self.time_axis = None
        self.per_step = None
        # A model with a reverse or bidirectional GRU: its outputs depend on later steps, so every row is the
        # output at the last step of a prefix (GruTiny's RunFinal of the first t + 1 steps).
        self.whole = any(getattr(m, "bidirectional", False) for m in module.modules()) if hasattr(module, "modules") else False

    def with_layout(self, batch_first, layout_source):
        other = _ModuleRunner(self.original, batch_first, self.tokens, self.input_size,
                              layout_source, self.output_index)
        other.whole = self.whole
        return other

    def layout(self, steps="T"):
        if self.tokens:
            return f"[1, {steps}] token ids" if self.batch_first else f"[{steps}, 1] token ids"
        return (f"[1, {steps}, {self.input_size}]" if self.batch_first
                else f"[{steps}, 1, {self.input_size}]")

    def sample(self, steps):
        """A short sequence to measure forward on."""
        return (self_check_tokens(self.input_size, 1, steps)[0] if self.tokens
                else self_check_inputs(self.input_size, 1, steps)[0])

    def outputs(self, seq):
        """forward on one sequence ([T][in] float32, or [T][1] int64 token ids): its result as a
        flat list."""
        import torch
        x = torch.from_numpy(np.ascontiguousarray(seq))
        if self.tokens:
            x = x[:, 0]
        x = x[None] if self.batch_first else x[:, None]
        if self.device is not None:
            x = x.to(self.device)
        try:
            return _flat_outputs(self.module(x))
        except Exception as e:  # the user's forward: any error is reported with its cause
            raise ValueError(self._call_failure(e, len(seq))) from None

    def _call_failure(self, e, steps):
        why = (f"The exporter calls forward(x) alone, on one sequence, batch 1, from the zero state "
               f"(batch_first={self.batch_first}, {self.layout_source}), because a GruTiny model "
               "takes one input per step and starts every sequence from the zero state")
        if isinstance(e, TypeError) and "required" in str(e) and "argument" in str(e):
            fix = ("give forward's other parameters defaults that mean exactly that (an initial "
                   "state h0=None, lengths=None), or export a module whose forward takes the "
                   "sequence alone")
        else:
            fix = ("if forward takes the sequence in the other layout, say so with batch_first= "
                   "(command line: --input-layout)")
        return (f"calling {self.name}(x) with x {self.layout(steps)} failed: {type(e).__name__}: "
                f"{e}. {why}: {fix}")

    def call(self, seq):
        """forward's output tensor on one sequence (float32, CPU)."""
        import torch
        outputs = self.outputs(seq)
        if not outputs or self.output_index >= len(outputs):
            raise ValueError(f"{self.name}.forward returned {len(outputs)} tensor(s); expected "
                             f"at least {self.output_index + 1}")
        y = outputs[self.output_index]
        if not torch.is_tensor(y):
            raise ValueError(f"{self.name}.forward returned {type(y).__name__}; expected a tensor "
                             "(or a tuple whose first element is the output)")
        if not y.is_floating_point():
            raise ValueError(f"{self.name}.forward returned a {y.dtype} tensor; expected floats")
        return y.detach().cpu().float()

    def probe(self):
        """Check that forward is repeatable, then decide, from its output shapes on 2 and 3
        steps, whether it is per-step (and along which axis) or one vector per sequence."""
        seq = self.sample(3)
        self._check_repeatable(seq)
        two, three = list(self.call(seq[:2]).shape), list(self.call(seq).shape)
        if two == three:
            features = [d for d in two if d != 1]
            if len(features) > 1:
                hint = (" (h_n of a GRU with several layers? GruTiny compiles one output vector: "
                        "return the last layer's, y[:, -1] / y[-1])" if len(two) == 3 else "")
                raise ValueError(f"{self.name}.forward returns a {two} tensor for every sequence "
                                 f"length; expected one output vector per step or per sequence{hint}")
            self.per_step, self.time_axis = False, None
            return
        diff = [i for i in range(min(len(two), len(three))) if two[i] != three[i]]
        if len(two) != len(three) or len(diff) != 1 or (two[diff[0]], three[diff[0]]) != (2, 3):
            raise ValueError(f"{self.name}.forward returns {two} for 2 steps and {three} for 3: "
                             "expected one time axis (per-step outputs) or a shape that does not "
                             "depend on the length (one output per sequence)")
        axis = diff[0]
        features = [d for i, d in enumerate(two) if i != axis and d != 1]
        if len(features) > 1:
            raise ValueError(f"{self.name}.forward returns {two} for 2 steps: more than one "
                             "vector per step (expected [batch 1, time, features] or similar)")
        self.per_step, self.time_axis = True, axis

    def _check_repeatable(self, seq):
        """Refuse a forward that gives another answer when called again on the same input: no file
        can hold it, and every check here calls forward many times.  Two calls with the same seed
        and one with another tell state kept between calls from random numbers."""
        import torch
        devices = [self.device] if self.device is not None and self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):  # the user's random state stays as it was
            torch.manual_seed(0)
            before = _module_state(self.module)
            first = self.call(seq)
            changed = _changed_state(self.module, before)
            torch.manual_seed(0)
            second = self.call(seq)
            torch.manual_seed(1)
            third = self.call(seq)

        def same(a, b):  # a NaN where the other call has one too counts as the same
            return a.shape == b.shape and bool(np.all(
                _within_tolerance(np.nan_to_num(a.numpy()), np.nan_to_num(b.numpy()))
                <= PARITY_TOLERANCE))

        if same(first, second) and same(first, third):
            return
        if not same(first, second):
            cause = (f"forward keeps state between calls: it changes {', '.join(changed)}"
                     if changed else "forward depends on something that changes between calls "
                                     "(state kept outside the module?)")
        else:
            cause = ("forward draws random numbers: a dropout that ignores eval mode "
                     "(F.dropout(x, p) defaults to training=True: pass training=self.training, or "
                     "use an nn.Dropout child), or random noise (torch.randn)")
        raise ValueError(f"{self.name}.forward gives different outputs when called twice on the "
                         f"same input x {self.layout(len(seq))}. Likely cause: {cause}. A GruTiny "
                         "model is one function of the input sequence from the zero state, so "
                         "neither a file nor its self-check can hold such a forward: make it "
                         "depend on x alone")

    def describe(self):
        if self.per_step:
            return f"per-step outputs (time axis {self.time_axis})"
        return ("one output per sequence (row t of the self-check is forward on the first t + 1 "
                "steps, what GruTiny's per-step model gives after step t)")

    def rows(self, seq, prefixes=None):
        """(steps, float32 rows): forward's output after each of those steps of ``seq``.  A
        per-step forward gives every step from one call; one output per sequence gives row t from
        the first t + 1 steps, for every t or, with ``prefixes``, for those prefix lengths."""
        import torch
        if self.per_step is None:
            self.probe()
        steps = len(seq)
        if self.per_step and not self.whole:
            y = self.call(seq)
            if y.dim() <= self.time_axis or y.shape[self.time_axis] != steps:
                raise ValueError(f"{self.name}.forward returned {list(y.shape)} for {steps} steps; "
                                 f"expected {steps} along axis {self.time_axis}")
            return np.arange(steps), y.movedim(self.time_axis, 0).reshape(steps, -1).numpy()
        lengths = range(1, steps + 1) if prefixes is None else [p for p in prefixes if p <= steps]
        rows = []
        for length in lengths:
            try:
                y = self.call(seq[:length])
                # A model that reads whole sequences: row t is its last step's output on the first t + 1 steps.
                rows.append(y.movedim(self.time_axis, 0)[-1].reshape(-1) if self.per_step else y.reshape(-1))
            except ValueError as e:
                raise ValueError(
                    f"{self.name}.forward returns one output per sequence, so the exporter runs it "
                    f"on the first t + 1 steps for every step t (what GruTiny's per-step model "
                    f"gives after step t); on the first {length} step(s): {e}. Make forward work "
                    "on sequences of any length from 1 step (y[:, -1] rather than y.squeeze() or "
                    "y[:, -2])") from None
        widths = sorted({int(r.numel()) for r in rows})
        if len(widths) != 1:
            raise ValueError(f"{self.name}.forward returned {widths} values for different lengths")
        return np.asarray(lengths) - 1, torch.stack(rows).numpy()


def _standard_inputs(input_size, embedding, input_norm, sequences, steps, seed=SELF_CHECK_SEED):
    """(raw inputs, what the modules see) of the standard self-check: token ids for an embedding
    model; otherwise mean + std * z and (raw - mean) / std (float32) with normalisation, z
    without."""
    if embedding:
        tokens = self_check_tokens(input_size, sequences, steps, seed)
        return tokens, tokens
    raw, seen = [], []
    for z in self_check_inputs(input_size, sequences, steps, seed):
        if input_norm is None:
            raw.append(z)
            seen.append(z)
            continue
        mean, std = input_norm
        with np.errstate(over="ignore"):
            x = (mean + std * z).astype(np.float32)
        if not np.all(np.isfinite(x)):
            raise ValueError("the raw self-check inputs mean + std * z overflow float32")
        raw.append(x)
        seen.append(((x - mean) / std).astype(np.float32))
    return raw, seen


# --------------------------------------------------------------------------
# Parity: what the modules compute against what the file holds
# --------------------------------------------------------------------------

class _InputSet:
    """Sequences (in the units the modules see) that the modules and the file's layers are
    compared on.  ``prefixes``: for a forward with one output per sequence, the prefix lengths
    compared (default every one); ``kind`` says which what-if the set stands for."""

    def __init__(self, name, seqs, kind, prefixes=None):
        self.name, self.seqs, self.kind, self.prefixes = name, seqs, kind, prefixes


def _parity_sets(standard, input_size, tokens):
    """The inputs of the parity check: the self-check inputs; the same x PARITY_INPUT_SCALE, where
    the gates saturate and an operation on the input that is the identity near zero (a clamp,
    tanh, a small scale) shows -- for token ids, which cannot be scaled, a second draw; and one
    sequence of PARITY_LONG_STEPS, where what forward does only beyond 16 steps (a window, a
    truncation) shows.  A forward with one output per sequence is compared on that sequence's
    prefixes of PARITY_LONG_PREFIXES steps only, which keeps the work linear in its length."""
    sets = [_InputSet("the self-check inputs", standard, "standard")]
    if tokens:
        sets.append(_InputSet("a second draw of token ids", self_check_tokens(
            input_size, SELF_CHECK_SEQUENCES, SELF_CHECK_STEPS, SELF_CHECK_SEED + 1), "second"))
        long_ = self_check_tokens(input_size, 1, PARITY_LONG_STEPS, SELF_CHECK_SEED + 2)
    else:
        scale = np.float32(PARITY_INPUT_SCALE)
        sets.append(_InputSet(f"the self-check inputs x{PARITY_INPUT_SCALE:g} (normalised units)",
                              [(x * scale).astype(np.float32) for x in standard], "scaled"))
        long_ = self_check_inputs(input_size, 1, PARITY_LONG_STEPS, SELF_CHECK_SEED + 2)
    sets.append(_InputSet(f"a sequence of {PARITY_LONG_STEPS} steps", long_, "long",
                          PARITY_LONG_PREFIXES))
    return sets


class _Mismatch:
    """Where the modules and the file's layers first differ, with what the likely cause is read
    from: the whole input set's rows of both."""

    def __init__(self, reference, chain, input_set, results, sequence, step, output,
                 roots, layout_inferred):
        self.reference, self.chain, self.input_set = reference, chain, input_set
        self.results = results  # per sequence: (steps, the modules' rows, the file's rows)
        self.sequence, self.step, self.output = sequence, step, output
        self.roots = roots  # [(name, module)]: where hooks are looked for
        self.layout_inferred = layout_inferred
        self.got = np.concatenate([g for _, g, _ in results]).astype(np.float64)
        self.want = np.concatenate([w for _, _, w in results]).astype(np.float64)

    def got_matches(self, rows_of):
        """Whether ``rows_of(seq)`` (full [T][out]) reproduces the modules' rows on this set."""
        return all(_close(got, rows_of(seq)[steps])
                   for seq, (steps, got, _) in zip(self.input_set.seqs, self.results))


def _close(a, b):
    """Agreement for naming a likely cause: 1e-4 relative, 10 x looser than PARITY_TOLERANCE
    because a what-if recomputed from the file's outputs (a softmax in float64, a factor
    estimated from a median) differs from forward's own float32 arithmetic by rounding, and far
    tighter than any unrelated transform comes."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= 1e-4 * np.maximum(1.0, np.abs(a))))


def _cause_hooks(m):
    """Hooks and reparametrisations: they change what a module computes beyond the weights the
    file holds."""
    import torch
    from torch.nn.utils import prune
    found = []
    registry = torch.nn.modules.module
    if getattr(registry, "_global_forward_hooks", None) or \
            getattr(registry, "_global_forward_pre_hooks", None):
        found.append("a global module hook (register_module_forward_hook / _pre_hook) runs on "
                     "every module call: remove it before exporting")
    for root_name, root in m.roots:
        for path, sub in root.named_modules():
            name = f"{root_name}.{path}" if path else root_name
            for hook in getattr(sub, "_forward_pre_hooks", {}).values():
                kind = type(hook).__name__
                if kind in ("WeightNorm", "SpectralNorm"):
                    undo = ("remove_weight_norm" if kind == "WeightNorm" else "remove_spectral_norm")
                    found.append(f"{name} uses {kind}: every call recomputes its .weight, which "
                                 "the file holds as it is now (stale after an optimizer step); "
                                 f"call torch.nn.utils.{undo} on it before exporting")
                elif isinstance(hook, prune.BasePruningMethod):
                    found.append(f"{name} is pruned: every call recomputes its .weight from "
                                 "weight_orig and the mask, and the file holds .weight as it is "
                                 "now; call torch.nn.utils.prune.remove on it before exporting")
                else:
                    found.append(f"{name} has a forward pre-hook, which changes its input: "
                                 "remove it (the handle's .remove()) before exporting")
            if getattr(sub, "_forward_hooks", None):
                found.append(f"{name} has a forward hook, which changes its output beyond what "
                             "its weights compute: remove it (the handle's .remove()) or fold "
                             "what it does into the weights before exporting")
    return "; ".join(found) if found else None


def _cause_output_transform(m):
    """Something forward applies to the output of its last child: read from the numbers."""
    got, want = m.got, m.want
    last = m.chain.layers[-1].get("activation", "linear")
    if got.shape[1] > 1 and last != "softmax":
        e = np.exp(want - want.max(axis=1, keepdims=True))
        if _close(got, e / e.sum(axis=1, keepdims=True)):
            return ("forward applies a softmax to the output of its last child (torch.softmax / "
                    "F.softmax): the file would return the logits")
    if last == "linear":
        for name, fn in (("sigmoid", lambda v: 1.0 / (1.0 + np.exp(-v))), ("tanh", np.tanh),
                         ("relu", lambda v: np.maximum(v, 0.0))):
            if _close(got, fn(want)):
                return (f"forward applies {name} to the output of its last child (torch.{name}); "
                        "the file would leave it out")
    # The factor is estimated from outputs above 1e-3 in magnitude only: near zero the ratio of
    # two rounded values says nothing.
    mask = np.abs(want) > 1e-3
    if np.count_nonzero(mask) >= 2:
        factor = float(np.median(got[mask] / want[mask]))
        if factor != 0 and _close(got, factor * want):
            return (f"forward multiplies the output by a constant factor of about {factor:.6g}, "
                    "which no child module holds")
    offset = float(np.median(got - want))
    if _close(got, want + offset):
        return f"forward adds a constant of about {offset:.6g} to the output"
    return None


def _cause_earlier_output(m):
    """forward returns what an earlier child computes (say the first element of (y, fc(y)))."""
    width = m.got.shape[1]
    for k in range(1, len(m.chain.layers)):
        if _layer_out_size(m.chain.layers[k - 1]) == width and \
                m.got_matches(lambda seq, k=k: m.chain.rows(seq, order=range(k))):
            return (f"forward returns the output of {m.chain.sources[k - 1]}, not of its last "
                    f"child {m.chain.sources[-1]}, while the file would hold all of them (of a "
                    "tuple result such as (y, fc(y)) the first element is the output: return the "
                    "model's output first)")
    return None


def _cause_input_transform(m):
    """A functional activation forward applies to the input before its first child."""
    import torch
    if isinstance(m.reference, _ModuleRunner) and m.reference.tokens:
        return None
    for name, fn in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu)):
        if m.got_matches(lambda seq, fn=fn: m.chain.rows(seq, input_fn=fn)):
            return (f"forward applies {name} to the input before its first child "
                    f"(torch.{name}(x)): the file would take the input as it is")
    return None


def _cause_dense_order(m):
    """Linear layers registered in another order than forward calls them (tried for up to 4)."""
    import itertools
    layers = m.chain.layers
    dense = [k for k, layer in enumerate(layers) if layer["type"] == "dense"]
    # Only a head of Linear layers after the recurrent ones is reordered.
    if not 2 <= len(dense) <= 4 or dense != list(range(len(layers) - len(dense), len(layers))) \
            or any(layer["type"] in _ELEMENTWISE_LAYERS for layer in layers):
        return None
    recurrent = [k for k in range(len(layers)) if k not in dense]
    for order in itertools.permutations(dense):
        width = _layer_out_size(layers[recurrent[-1]])
        fits = True
        for k in order:
            fits = fits and _layer_in_size(layers[k]) == width
            width = _layer_out_size(layers[k])
        if list(order) == dense or not fits:
            continue
        if m.got_matches(lambda seq, o=recurrent + list(order): m.chain.rows(seq, order=o)):
            called = " -> ".join(m.chain.sources[k] for k in order)
            registered = " -> ".join(m.chain.sources[k] for k in dense)
            return (f"forward calls its Linear layers as {called}, but they are registered as "
                    f"{registered}, the order the file would hold")
    return None


def _cause_layout(m):
    """forward takes its input in the other layout than its first nn.GRU, which was assumed."""
    if not m.layout_inferred:
        return None
    other = m.reference.with_layout(not m.reference.batch_first, "as given")
    try:
        for seq in m.input_set.seqs:
            steps, rows = other.rows(seq, m.input_set.prefixes)
            if not _close(rows, m.chain.rows(seq)[steps]):
                return None
    except ValueError:  # forward cannot even run that way
        return None
    layout = "batch-first" if other.batch_first else "time-first"
    return (f"forward takes its input as x {other.layout()} ({layout}), not as "
            f"{m.reference.layout()} as its first nn.GRU would: pass batch_first="
            f"{other.batch_first} (command line: --input-layout {layout})")


def _cause_unused_parameters(m):
    """Parameters and buffers of the user's module outside its layers: forward may use them."""
    layer_tensors = {id(t) for _, root in m.roots for sub in root.modules()
                     if _kind(sub) in _LAYER_MODULES
                     for t in list(sub.parameters()) + list(sub.buffers())}
    extra = [f"{root_name}.{name} {list(t.shape)}" for root_name, root in m.roots
             for name, t in list(root.named_parameters()) + list(root.named_buffers())
             if id(t) not in layer_tensors]
    if not extra:
        return None
    return (f"forward probably uses {', '.join(extra[:4])}, which no layer holds: a learned "
            "initial state? The exporter never guesses which: pass it, initial_state=model.h0 "
            "(a dict {model.gru: model.h0} for several nn.GRU; command line: --initial-state "
            "gru=h0)")


def _cause_input_set(m):
    """What only one input set shows: large values, or a long sequence."""
    if m.input_set.kind == "scaled":
        return ("the outputs agree on the standard inputs but not on inputs x10: forward probably "
                "transforms the input before its first child (a clamp, torch.tanh, a scale) in a "
                "way that shows only on large values")
    if m.input_set.kind == "long":
        return (f"the outputs agree on {SELF_CHECK_STEPS}-step sequences but not on one of "
                f"{PARITY_LONG_STEPS} steps: forward probably reads only part of a long sequence "
                "(a window such as x[:, -20:], a truncation, chunks), while GruTiny's model runs "
                "every step from the zero state")
    return None


_GENERIC_CAUSE = (
    "forward does something its children in registration order do not show: an operation on the "
    "input before the first child (a functional activation, a scale), on the output after the "
    "last one (softmax, a constant factor), children registered in a different order than forward "
    "calls them, or a child forward calls twice or not at all")

_WAY_FORWARD = (
    "The exporter writes only what it can show equals your forward. Make forward a plain chain of "
    "its child modules in the order they are registered (an activation as a module, e.g. "
    "self.softmax = nn.Softmax(dim=-1) after the nn.Linear; a constant factor folded into the "
    "nn.Linear's weight and bias), or pass the modules in forward's order yourself: "
    "export([gru, fc, nn.Softmax(dim=-1)]); or export to ONNX with export_onnx (docs/onnx.md), "
    "which compiles what forward computes or fails the build naming the operation GruTiny cannot "
    "compile.")

_WAY_FORWARD_LIST = (
    "The file holds each module's weights (.weight, .bias, weight_ih_l0, ...) as they are, run as "
    "plain nn.Embedding / nn.GRU / nn.Linear; remove whatever makes a module compute something "
    "else before exporting.")


_GENERIC_CAUSE_LIST = (
    "a forward hook or pre-hook, or a reparametrisation (weight_norm, spectral_norm, pruning) "
    "whose .weight is stale")


def _likely_cause(m):
    """The first cause the evidence points to: hooks present, then (for a user's forward) what-ifs
    that reproduce forward's numbers from the file's layers, then what the failing input set alone
    shows.  A list has no forward of its own: only hooks can make it differ."""
    if not isinstance(m.reference, _ModuleRunner):
        return _cause_hooks(m) or _GENERIC_CAUSE_LIST
    found = _cause_hooks(m)
    # A what-if tells causes apart only where the outputs differ by more than _close allows;
    # closer than that, every what-if near the identity (a factor of 1.00001) would match.
    if not found and not _close(m.got, m.want):
        for cause in (_cause_output_transform, _cause_earlier_output, _cause_input_transform,
                      _cause_dense_order, _cause_layout):
            found = cause(m)
            if found:
                break
    return found or _cause_unused_parameters(m) or _cause_input_set(m) or _GENERIC_CAUSE


def _parity_refusal(m):
    """The ValueError text for a mismatch: where, both values, the likely cause, the way forward."""
    steps, got, want = m.results[m.sequence]
    t, j = m.step, m.output
    where = f"On {m.input_set.name}, sequence {m.sequence}, step {int(steps[t])}, output {j}"
    cause = _likely_cause(m)
    if isinstance(m.reference, _ModuleRunner):
        return (f"{m.reference.source} does not compute what its child modules compute in "
                f"registration order ({m.chain.describe()}) with the weights the file would hold. "
                f"{where}: forward gives {got[t, j]:.9g}, the file's layers {want[t, j]:.9g} "
                f"(tolerance {PARITY_TOLERANCE:g} x max(1, |forward|)). Likely cause: {cause}. "
                f"Nothing was written. {_WAY_FORWARD}")
    return (f"The modules as called do not compute what their weights compute as the file would "
            f"hold them ({m.chain.describe()}). {where}: the modules give {got[t, j]:.9g}, the "
            f"file's layers {want[t, j]:.9g} (tolerance {PARITY_TOLERANCE:g} x max(1, "
            f"|modules|)). Likely cause: {cause}. Nothing was written. {_WAY_FORWARD_LIST}")


def _check_parity(reference, chain, sets, roots, layout_inferred):
    """Refuse (ValueError) unless ``reference`` (the user's forward, or a list's modules as called)
    gives the file's layers' outputs within PARITY_TOLERANCE on every input set; returns the worst
    |file - reference| / max(1, |reference|)."""
    worst = 0.0
    for input_set in sets:
        results = []
        for seq in input_set.seqs:
            steps, got = reference.rows(seq, input_set.prefixes)
            results.append((steps, got, chain.prefix_rows(seq, steps) if chain.whole else chain.rows(seq)[steps]))
        for s, (steps, got, want) in enumerate(results):
            if got.shape[1] != want.shape[1]:
                raise ValueError(
                    f"{reference.source} returns {got.shape[1]} value(s) per step but its child "
                    f"modules in registration order ({chain.describe()}) compute "
                    f"{want.shape[1]}: the file would not be your model (of a tuple result the "
                    f"first element is the output). Nothing was written. {_WAY_FORWARD}")
            rel = _within_tolerance(got, want)
            bad = np.argwhere(~(rel <= PARITY_TOLERANCE))
            if bad.size:
                t, j = (int(v) for v in bad[0])
                raise ValueError(_parity_refusal(_Mismatch(reference, chain, input_set, results,
                                                           s, t, j, roots, layout_inferred)))
            worst = max(worst, float(rel.max()) if rel.size else 0.0)
    return worst


def _parity_summary(reference, sets, worst):
    """The command line's one-line account of the parity check."""
    read_as = f", read as {reference.describe()}," if isinstance(reference, _ModuleRunner) else ""
    names = [s.name for s in sets]
    return (f"{reference.source}{read_as} agree{'s' if read_as else ''} with the exported layers "
            f"on {', '.join(names[:-1])} and {names[-1]}: worst |difference| / max(1, |y|) = "
            f"{worst:.1e} <= {PARITY_TOLERANCE:g}")


# --------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------

def export(modules, input_size=None, path=None, metadata=None, self_check=True,
           input_normalization=None, output_normalization=None,
           max_parameters=DEFAULT_MAX_PARAMETERS, batch_first=None, initial_state=None):
    """Convert PyTorch modules to a ``grutiny/1`` dict.

    ``modules``: your own ``nn.Module`` (its child modules, in registration
    order, give the layers; its forward gives the self-check and must agree
    with them, see below), or a list / nn.Sequential / nn.ModuleList of an
    optional nn.Embedding (first, directly followed by the first GRU),
    nn.GRU (one or more), then nn.Linear each optionally followed by one of
    nn.ReLU, nn.Sigmoid, nn.Tanh, nn.Softmax(dim=-1), nn.Identity (such a
    list *is* the model: each module runs on the previous one's output, a
    GRU's y); nn.Dropout is skipped.
    ``input_size`` defaults to the first GRU's input_size, or with an
    nn.Embedding to its num_embeddings (V).
    The exporter runs your module's forward (a list's modules as called)
    and the layers it would write (fresh PyTorch modules loaded with the
    stored weights) on the self-check inputs, on them x10 (normalised
    units; for an embedding model a second draw of token ids) and on one
    sequence of 256 steps, and raises ValueError naming the first output
    that differs by more than ``PARITY_TOLERANCE`` x max(1, |output|) and
    the likely cause.  This runs whatever ``self_check`` is.
    ``batch_first``: how your module's forward is called (x [1, T, in] or
    [T, 1, in]); default the first GRU's.  Not for a list.
    ``self_check``: ``True`` (default) stores 2 seeded sequences of 16 steps
    (fewer for large models) and the outputs of your module's forward (of
    the list of modules) for them (batch 1, float32, no_grad, eval mode,
    zero initial state) as ``self_check``; ``False`` / ``None`` leaves the
    key out; a ``{"sequences": [...]}`` dict is validated and stored as
    given.  Writes the JSON to ``path`` if given.
    ``input_normalization`` / ``output_normalization``: ``(mean, std)`` or
    None; stored in the file, and the self-check is then in raw units (raw
    inputs mean + std * z, modules run on (x - mean) / std, outputs
    y * std + mean, float32).  The modules themselves work in normalised units.
    ``max_parameters``: an ExportWarning is issued when the model has more
    parameters (default: GruTiny's default limit, 2,000,000).
    ``initial_state``: the learned initial state your forward passes to its
    nn.GRU (``self.gru(x, self.h0.expand(...))``): a tensor [num_layers, 1, H]
    (or [num_layers, H]; [H] for one layer) when the model has one nn.GRU, or
    a dict {gru_module: h0}.  It is stored as each layer's ``initial_state``:
    the compiled model starts from it (new, ``Reset``, ``default``).  The
    exporter never guesses it: without it, a forward that uses one fails the
    parity check, which names the parameter.
    Returns the dict.  Raises ValueError otherwise.
    """
    return _export(modules, input_size, path, metadata, self_check, input_normalization,
                   output_normalization, max_parameters, batch_first, initial_state)[0]


def _standard_self_check(reference, input_size, tokens, input_norm, output_norm, size):
    """The ``self_check`` dict of the standard inputs at ``size`` (sequences, steps), outputs from
    ``reference`` (the user's forward, or the list's modules as called), in raw units."""
    sequences, steps = size
    pairs = []
    for raw, seen in zip(*_standard_inputs(input_size, tokens, input_norm, sequences, steps)):
        y = reference.rows(seen)[1]
        if output_norm is not None:
            mean, std = output_norm
            y = ((y * std).astype(np.float32) + mean).astype(np.float32)
        pairs.append((raw, y))
    check = make_self_check(pairs)
    if tokens:
        for seq, (x, _) in zip(check["sequences"], pairs):
            seq["inputs"] = [[int(t)] for t in x[:, 0].tolist()]
    return check


def _reference(own_module, named, first_gru, batch_first, tokens, input_size):
    """What computes the model: the user's own forward, or a list's modules as called; and whether
    the layout forward is called in was inferred (rather than given)."""
    if own_module is None:
        return _CalledModules(named), False
    if batch_first is not None:
        return _ModuleRunner(own_module, batch_first, tokens, input_size, "as given"), False
    return _ModuleRunner(own_module, getattr(first_gru, "batch_first", False), tokens, input_size,
                         "as its first nn.GRU; pass batch_first= / --input-layout if forward "
                         "expects the other layout"), True


def _export(modules, input_size, path, metadata, self_check, input_normalization,
            output_normalization, max_parameters, batch_first, initial_state=None):
    """``export``; returns (model dict, a one-line account of the parity check, what computed the
    self-check)."""
    import torch
    max_parameters = _check_max_parameters(max_parameters)
    if not (self_check in (True, False, None) or isinstance(self_check, dict)):
        raise ValueError("self_check must be True, False, None or a {\"sequences\": [...]} dict")
    own_module, named = _split_modules(modules)
    if own_module is None and batch_first is not None:
        raise ValueError("batch_first (--input-layout) says how your own module's forward takes "
                         "its input; a list, nn.Sequential or single module is run module by "
                         "module, each nn.GRU in its own layout: leave it out")
    if own_module is None and initial_state is not None:
        raise ValueError("initial_state= names the state your own module's forward passes to its nn.GRU; a list, "
                         "nn.Sequential or single module is run module by module, each nn.GRU from zeros: "
                         "export the module whose forward uses the initial state")
    layers, sources, first_gru, embedding = _read_layers(
        named, _initial_states_by_module(initial_state, named))
    input_size = _resolve_input_size(input_size, first_gru, embedding, layers)
    tokens = embedding is not None
    norms = dict(input_normalization=input_normalization,
                 output_normalization=output_normalization)
    result = model(input_size, layers, metadata, **norms)  # validates before anything runs
    parameters = parameter_count(result)
    input_norm = _normalization_arrays(result.get("input_normalization"))
    output_norm = _normalization_arrays(result.get("output_normalization"))
    roots = [(_kind(own_module), own_module)] if own_module is not None else named

    check = self_check if isinstance(self_check, dict) else None
    with torch.no_grad(), _Preserved([m for _, m in roots]):
        reference, layout_inferred = _reference(own_module, named, first_gru, batch_first,
                                                tokens, input_size)
        chain = _FileChain(layers, sources)
        standard = _standard_inputs(input_size, tokens, input_norm, SELF_CHECK_SEQUENCES,
                                    SELF_CHECK_STEPS)[1]
        sets = _parity_sets(standard, input_size, tokens)
        worst = _check_parity(reference, chain, sets, roots, layout_inferred)
        summary = _parity_summary(reference, sets, worst)
        size = _self_check_size(parameters, chain.whole)
        if self_check is True and size is not None:
            check = _standard_self_check(reference, input_size, tokens, input_norm, output_norm,
                                         size)
    if self_check is True and size is None:
        _warn_no_self_check(parameters, stacklevel=3)
    if check is not None:
        result = model(input_size, layers, metadata, check, **norms)
    _warn_parameter_limit(parameters, max_parameters, path or "the model", 3)
    if path is not None:
        write(result, path)
    return result, summary, reference.source


# --------------------------------------------------------------------------
# ONNX self-check metadata
# --------------------------------------------------------------------------

def _onnx_input_width(model_proto):
    """The last dimension of the graph's (single non-initializer) input if it
    is a fixed number, else None."""
    inits = {t.name for t in model_proto.graph.initializer}
    inputs = [i for i in model_proto.graph.input if i.name not in inits]
    if len(inputs) != 1:
        return None
    dims = inputs[0].type.tensor_type.shape.dim
    if not dims or not dims[-1].HasField("dim_value"):
        return None
    return int(dims[-1].dim_value)


def _onnx_output_depths(proto):
    """For every graph output, the GRU and MatMul / Gemm nodes on its longest path from the graph
    input -- the layers GruTiny counts for it -- or None when it does not depend on the input."""
    inits = {t.name for t in proto.graph.initializer}
    depth = {i.name: 0 for i in proto.graph.input if i.name not in inits}
    for node in proto.graph.node:  # ONNX keeps nodes in topological order
        ds = [depth[name] for name in node.input if name in depth]
        if ds:
            d = max(ds) + (1 if node.op_type in ("GRU", "MatMul", "Gemm") else 0)
            for name in node.output:
                depth[name] = d
    return [depth.get(o.name) for o in proto.graph.output]


def _onnx_compiled_output(proto, runner):
    """Which of forward's output tensors GruTiny compiles from the file: the graph output computed
    through the most layers, a per-step one before one per sequence on a tie, the first of equals
    (OnnxGraphCompiler.ChooseOutput); h_n of several layers is never it (GruTiny exposes the state
    instead).  For ``return y, fc(y)`` that is fc(y), not the first element."""
    seq = runner.sample(3)
    two, three = runner.outputs(seq[:2]), runner.outputs(seq)
    depths = _onnx_output_depths(proto)
    if len(two) != len(depths):
        raise ValueError(f"{runner.name}.forward returns {len(two)} tensor(s) but the file has "
                         f"{len(depths)} graph output(s): pass the module the file was exported "
                         "from")
    best = None
    for k, (a, b, depth) in enumerate(zip(two, three, depths)):
        if depth is None or not hasattr(a, "shape"):
            continue
        per_step = list(a.shape) != list(b.shape)
        if not per_step and len([d for d in a.shape if d != 1]) > 1:
            continue
        if best is None or (depth, per_step) > best[0]:
            best = ((depth, per_step), k)
    # None qualifies (say, h_n of several layers alone): the first, which the probe then refuses
    # with its reason.
    return 0 if best is None else best[1]


def _layer_parameters(runner):
    """The parameters GruTiny counts for the model: the weights and biases of the nn.GRU,
    nn.Linear, nn.Embedding, normalisation and PReLU modules forward calls (a batch norm's running
    statistics too) -- not a learned initial state, not a head
    forward leaves unused.  A TorchScript module takes no hooks: then every such module counts."""
    layers = [m for m in runner.module.modules() if _kind(m) in _LAYER_MODULES]
    called, handles = {}, []

    def record(mod, inputs, output):
        called[id(mod)] = mod  # and returns None: a hook's result would replace the output

    try:
        for m in layers:
            handles.append(m.register_forward_hook(record))
    except RuntimeError:  # "register_forward_hook is not supported on ScriptModules"
        called = {id(m): m for m in layers}
    else:
        try:
            runner.outputs(runner.sample(2))
        finally:
            for handle in handles:
                handle.remove()

    def count(m):
        if _kind(m) != "GRU":
            tensors = [getattr(m, key, None) for key in ("weight", "bias", "running_mean", "running_var")]
            return sum(t.numel() for t in tensors if t is not None)
        names = [f"{w}_l{k}" for k in range(int(m.num_layers))
                 for w in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if m.bias else ())]
        return sum(getattr(m, name).numel() for name in names)

    return int(sum(count(m) for m in called.values()))


def _onnx_self_check(proto, module, input_size, batch_first, sequences, steps, seed,
                     wanted=True):
    """``module``'s own forward on the self-check inputs, for the output GruTiny compiles from
    ``proto``: (the self-check dict -- None when not ``wanted`` or when one step exceeds the
    build-time budget --, the parameters GruTiny counts).  ``steps`` None: the standard size
    within the budget."""
    import torch
    with torch.no_grad(), _Preserved([module]):
        runner = _ModuleRunner(module, batch_first, False, input_size)
        runner.output_index = _onnx_compiled_output(proto, runner)
        parameters = _layer_parameters(runner)
        if steps is None:
            size = _self_check_size(parameters, runner.whole)
            sequences, steps = (min(int(sequences), size[0]), size[1]) if size else (None, None)
        if not wanted or steps is None:
            return None, parameters
        pairs = [(x, runner.rows(x)[1])
                 for x in self_check_inputs(input_size, sequences, steps, seed)]
    return make_self_check(pairs), parameters


def _store_onnx_metadata(proto, check):
    text = _compact(check)
    kept = [(p.key, p.value) for p in proto.metadata_props if p.key != ONNX_SELF_CHECK_KEY]
    del proto.metadata_props[:]
    for key, value in kept + [(ONNX_SELF_CHECK_KEY, text)]:
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value


def add_onnx_self_check(onnx_path, module, input_size, batch_first, sequences=SELF_CHECK_SEQUENCES,
                        steps=None, seed=SELF_CHECK_SEED, max_parameters=DEFAULT_MAX_PARAMETERS):
    """Run ``module`` on the self-check inputs and store the result in the
    ONNX file ``onnx_path`` (in place) as the metadata entry
    ``grutiny.self_check`` (compact JSON ``{"sequences": [...]}``), replacing
    any previous entry.

    ``module``: the nn.Module that was exported; it is called with x
    [T, 1, input_size] (or [1, T, input_size] if ``batch_first``).  Of a
    tuple result, the output GruTiny compiles from the file is stored: the
    graph output computed through the most GRU and Linear layers (per-step
    before one per sequence on a tie).  Per-step outputs (any shape with one
    time axis, e.g. [1, T, out]) are stored as they are; an output whose
    shape does not depend on T (a classifier reading the last step, [1, out];
    a head on h_n) is stored as forward on the first t + 1 steps for every
    step t -- what GruTiny's per-step model computes.  It runs in float32
    with torch.no_grad(), in eval mode, from the zero state (no initial state
    argument).  ``steps``: default 16, fewer for models whose parameters
    would exceed the build-time budget (ValueError when not one step fits).
    An ExportWarning is issued when the model has more parameters than
    ``max_parameters``.  Returns the self-check dict.
    """
    import onnx
    max_parameters = _check_max_parameters(max_parameters)
    input_size = _check_input_size(input_size)
    proto = onnx.load(onnx_path)
    width = _onnx_input_width(proto)
    if width is not None and width != input_size:
        raise ValueError(f"{onnx_path}: the graph input has {width} features, "
                         f"input_size={input_size}")
    check, parameters = _onnx_self_check(proto, module, input_size, batch_first, sequences, steps,
                                         seed)
    if check is None:
        raise ValueError(f"one step of a {parameters:,}-parameter model exceeds GruTiny's "
                         f"build-time self-check budget of {SELF_CHECK_MAX_WORK:,} "
                         "multiply-adds: no self-check can be stored")
    _store_onnx_metadata(proto, check)
    onnx.save(proto, onnx_path)
    _warn_parameter_limit(parameters, max_parameters, onnx_path, 2)
    return check


# torch.onnx.export (PyTorch 1.13) warns about every nn.GRU it traces: the GRU's own argument
# checks turn tensors into Python booleans, a zero initial state is a constant without shape
# inference, and an exported GRU is said to need batch size 1 -- which is how GruTiny runs it.  The
# self-check stored in the file is what shows whether GruTiny reads the file as the module
# computes, so these are hidden; every other warning reaches the user.
_GRU_EXPORT_WARNINGS = (
    ("Converting a tensor to a Python boolean", r"torch\.nn\.modules\.rnn"),
    ("Exporting a model to ONNX with a batch_size other than 1, with a variable length with GRU",
     None),
    ("The shape inference of prim::Constant type is missing", None),
)


def _torch_onnx_export(module, input_size, batch_first, opset_version, export_args):
    """torch.onnx.export of ``module`` traced on 16 zero steps in eval mode: the ModelProto."""
    import io
    import onnx
    import torch
    time_axis, batch_axis = (1, 0) if batch_first else (0, 1)
    export_args.setdefault("input_names", ["x"])
    export_args.setdefault("output_names", ["y"])
    export_args.setdefault("dynamic_axes",
                           {export_args["input_names"][0]: {batch_axis: "batch", time_axis: "time"}})
    # GruTiny's ONNX import has no embedding layer (docs/onnx.md): a token model goes through export().
    if any(isinstance(m, torch.nn.Embedding) for m in module.modules()):
        raise ValueError(f"{type(module).__name__} has an nn.Embedding: GruTiny compiles token models from "
                         "grutiny/1 files only, not from ONNX; export it with export() to a .gru.json")
    dummy = torch.zeros((1, SELF_CHECK_STEPS, input_size) if batch_first
                        else (SELF_CHECK_STEPS, 1, input_size))
    device = _module_device([module])
    if device is not None:
        dummy = dummy.to(device)
    buffer = io.BytesIO()
    with _Preserved([module]), warnings.catch_warnings():
        for message, origin in _GRU_EXPORT_WARNINGS:
            warnings.filterwarnings("ignore", message=message, module=origin or "")
        torch.onnx.export(module, dummy, buffer, opset_version=opset_version, **export_args)
    return onnx.load_from_string(buffer.getvalue())


def export_onnx(module, path, input_size, batch_first, self_check=True,
                max_parameters=DEFAULT_MAX_PARAMETERS, opset_version=17, **export_args):
    """``torch.onnx.export`` of ``module`` to ``path`` with the self-check of its own forward in
    the file (metadata ``grutiny.self_check``, as ``add_onnx_self_check``).

    The module is traced on x [1, 16, input_size] (``batch_first``) or [16, 1, input_size] in
    eval mode, with input name ``x``, first output ``y``, dynamic batch and time axes on the
    input, ``opset_version`` 17; ``export_args`` go to ``torch.onnx.export`` as they are
    (``input_names``, ``output_names``, ``dynamic_axes``, ``do_constant_folding`` replace the
    defaults).  Per-step outputs, last-step classifiers and heads on h_n all carry a
    self-check of the output GruTiny compiles (see ``add_onnx_self_check``).
    ``self_check=False`` writes none; a model too large for any self-check is written without
    one and an ExportWarning says so.  An ExportWarning is issued when the model has more
    parameters than ``max_parameters`` (default: GruTiny's default limit).  Returns the
    self-check dict (or None)."""
    import onnx
    max_parameters = _check_max_parameters(max_parameters)
    input_size = _check_input_size(input_size)
    proto = _torch_onnx_export(module, input_size, batch_first, opset_version, export_args)
    check, parameters = _onnx_self_check(proto, module, input_size, batch_first,
                                         SELF_CHECK_SEQUENCES, None, SELF_CHECK_SEED,
                                         wanted=bool(self_check))
    if check is not None:
        _store_onnx_metadata(proto, check)
    elif self_check:
        _warn_no_self_check(parameters, stacklevel=2)
    onnx.save(proto, path)
    _warn_parameter_limit(parameters, max_parameters, path, 2)
    return check


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _load_module(path):
    import torch
    # A pickled module needs its class: look in the current directory too.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return torch.jit.load(path, map_location="cpu")
    except Exception:  # not a TorchScript archive: a pickled nn.Module
        pass
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, dict):
        raise SystemExit(f"{path}: contains a state_dict, not a module; "
                         "use the Python API (export([...modules...]))")
    return obj


def _modules_of(obj):
    kind = _kind(obj)
    if kind in ("Sequential", "ModuleList", "GRU"):
        return obj
    if not list(obj.children()):
        raise SystemExit(f"unsupported top-level module {kind}")
    return obj  # export() reads its children and checks them against its forward


def _initial_state_argument(module, pairs):
    """--initial-state gru=h0 ...: {the nn.GRU at attribute path gru: the tensor at h0}."""
    if not pairs:
        return None

    def attribute(path):
        obj = module
        for part in path.split("."):
            if not hasattr(obj, part):
                raise ValueError(f"--initial-state: {_kind(module)} has no attribute {path!r}")
            obj = getattr(obj, part)
        return obj

    result = {}
    for pair in pairs:
        gru_path, sep, h0_path = pair.partition("=")
        if not sep or not gru_path or not h0_path:
            raise ValueError(f"--initial-state {pair!r}: expected GRU=H0, attribute paths such as gru=h0")
        gru = attribute(gru_path)
        if _kind(gru) != "GRU":
            raise ValueError(f"--initial-state {pair!r}: {gru_path} is a {_kind(gru)}, not an nn.GRU")
        result[gru] = attribute(h0_path)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="grutiny_export.py",
        description="Export a saved PyTorch GRU model to the GruTiny format grutiny/1.",
        epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="module saved with torch.save(module) or torch.jit.save")
    parser.add_argument("output", help="output file, e.g. model.gru.json")
    parser.add_argument("--input-size", type=int, default=None,
                        help="model input size (default: the first GRU's input_size)")
    parser.add_argument("--metadata", default=None,
                        help="JSON object stored verbatim as the model's metadata")
    parser.add_argument("--no-self-check", action="store_true",
                        help="do not store self-check vectors (default: 2 sequences of 16 "
                             "steps run through the PyTorch module)")
    parser.add_argument("--input-normalization", default=None, metavar="JSON",
                        help='{"mean": [...], "std": [...]} with input_size values each')
    parser.add_argument("--output-normalization", default=None, metavar="JSON",
                        help='{"mean": [...], "std": [...]} with output-size values each')
    parser.add_argument("--max-parameters", type=int, default=DEFAULT_MAX_PARAMETERS, metavar="N",
                        help="warn when the model has more parameters than N, the "
                             "GruTinyMaxParameters of the project that compiles it "
                             "(default: GruTiny's default, %(default)s)")
    parser.add_argument("--input-layout", choices=("batch-first", "time-first"), default=None,
                        help="how your module's forward takes a sequence: x [1, T, in] or "
                             "[T, 1, in] (default: as its first nn.GRU)")
    parser.add_argument("--initial-state", action="append", default=[], metavar="GRU=H0",
                        help="a learned initial state forward passes to an nn.GRU, as attribute "
                             "paths of the saved module: gru=h0 (repeat for several nn.GRU)")
    args = parser.parse_args(argv)
    metadata = json.loads(args.metadata) if args.metadata else None
    in_norm = json.loads(args.input_normalization) if args.input_normalization else None
    out_norm = json.loads(args.output_normalization) if args.output_normalization else None
    batch_first = None if args.input_layout is None else args.input_layout == "batch-first"
    module = _load_module(args.model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            initial = _initial_state_argument(module, args.initial_state)
            m, summary, source = _export(_modules_of(module), args.input_size, args.output,
                                         metadata, not args.no_self_check, in_norm, out_norm,
                                         args.max_parameters, batch_first, initial)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    sizes = [f"{len(l['weight'])}x{len(l['weight'][0])}" if l["type"] == "embedding"
             else l.get("hidden_size", len(l.get("weight", []))) for l in m["layers"]]
    size = os.path.getsize(args.output)
    size_text = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"
    print(f"wrote {args.output} ({size_text}, {parameter_count(m):,} parameters): input "
          f"{m['input_size']}, layers "
          + ", ".join(f"{l['type']}({s})" for l, s in zip(m["layers"], sizes)))
    print(f"checked: {summary}")
    if "self_check" in m:
        seqs = m["self_check"]["sequences"]
        print(f"self_check: {len(seqs)} sequence(s) x {len(seqs[0]['inputs'])} steps computed "
              f"by {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
