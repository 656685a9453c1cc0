"""Self-check data in .onnx files: export_onnx (torch.onnx.export plus the self-check) and
add_onnx_self_check, for per-step outputs, last-step classifiers and heads on h_n.

The stored data is checked three ways: it is the module's own forward (bit for bit), it has
the shape the GruTiny reader accepts (src/GruTiny/Common/Model/SelfCheck.cs: only 'sequences', each
with T input rows of input_size and T output rows of the output size), and the float64 numpy
ONNX interpreter of tools/onnx_cases.py, run on the file as written, reproduces every row of the
output GruTiny compiles (per-step rows from one run; row t of a last-step head from the first
t + 1 steps, which is what GruTiny's per-step model gives after step t).
"""

import support
from support import ge, export_warnings, forward_rows, pairs

import json
import os
import tempfile
import unittest
import warnings

import numpy as np
import onnx
import torch

import modules_for_tests as mt
import onnx_cases


def metadata_check(path):
    proto = onnx.load(path)
    entries = [p.value for p in proto.metadata_props if p.key == ge.ONNX_SELF_CHECK_KEY]
    return proto, (json.loads(entries[0]) if entries else None), len(entries)


def plain_onnx_export(module, path):
    """torch.onnx.export alone, as docs/onnx.md shows it (batch_first modules)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), torch.zeros(1, 16, mt.IN), path, input_names=["x"],
                          output_names=["y"], opset_version=14,
                          dynamic_axes={"x": {0: "batch", 1: "time"}})


class OnnxSelfCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def assert_reader_shape(self, check, input_size, output_size):
        self.assertEqual(set(check), {"sequences"})
        self.assertTrue(1 <= len(check["sequences"]) <= 16)
        for seq in check["sequences"]:
            self.assertEqual(set(seq), {"inputs", "outputs"})
            self.assertEqual(len(seq["inputs"]), len(seq["outputs"]))
            self.assertTrue(all(len(r) == input_size for r in seq["inputs"]))
            self.assertTrue(all(len(r) == output_size for r in seq["outputs"]))
            self.assertTrue(np.all(np.isfinite(np.asarray(seq["outputs"]))))

    def assert_graph_reproduces(self, proto, check, batch_first, per_step, output=0):
        for x, ref in pairs(check):
            if per_step:
                y = onnx_cases.run_onnx(proto, x[None] if batch_first else x[:, None])[output]
                y = y[0] if batch_first else y[:, 0]
                np.testing.assert_allclose(y, ref, rtol=0, atol=1e-5)
                continue
            for t in range(len(x)):
                prefix = x[:t + 1]
                y = onnx_cases.run_onnx(proto, prefix[None] if batch_first
                                        else prefix[:, None])[output]
                np.testing.assert_allclose(y.reshape(-1), ref[t], rtol=0, atol=1e-5)

    def assert_is_forward(self, module, check, batch_first, per_step, output=0):
        for x, y in pairs(check):
            np.testing.assert_array_equal(y, forward_rows(module, x, batch_first, per_step,
                                                          output))

    def test_export_onnx_refuses_a_token_model(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            with self.assertRaisesRegex(ValueError, "nn.Embedding: GruTiny compiles token models from grutiny/1"):
                ge.export_onnx(mt.TokenModel(), path, input_size=1, batch_first=True)
            self.assertFalse(os.path.exists(path))

    def test_export_onnx_per_step(self):
        module = mt.MatchingChain()
        check = ge.export_onnx(module, self.path("m.onnx"), mt.IN, batch_first=True)
        proto, stored, count = metadata_check(self.path("m.onnx"))
        onnx.checker.check_model(proto)
        self.assertEqual(count, 1)
        self.assertEqual(stored, check)
        self.assert_reader_shape(stored, mt.IN, mt.OUT)
        self.assertEqual(len(stored["sequences"][0]["inputs"]), 16)
        self.assert_is_forward(module, stored, True, per_step=True)
        self.assert_graph_reproduces(proto, stored, True, per_step=True)

    def test_export_onnx_last_step_classifier(self):
        module = mt.LastStepClassifier()
        ge.export_onnx(module, self.path("c.onnx"), mt.IN, batch_first=True)
        proto, stored, _ = metadata_check(self.path("c.onnx"))
        self.assert_reader_shape(stored, mt.IN, module.fc.out_features)
        self.assert_is_forward(module, stored, True, per_step=False)
        self.assert_graph_reproduces(proto, stored, True, per_step=False)

    def test_export_onnx_head_on_h_n(self):
        # One layer: h_n[-1] is the GRU's Y_h, which GruTiny reads as the last step.
        module = mt.HiddenStateHead(num_layers=1)
        ge.export_onnx(module, self.path("h.onnx"), mt.IN, batch_first=True)
        proto, stored, _ = metadata_check(self.path("h.onnx"))
        self.assert_reader_shape(stored, mt.IN, module.fc.out_features)
        self.assert_is_forward(module, stored, True, per_step=False)
        self.assert_graph_reproduces(proto, stored, True, per_step=False)

    def test_export_onnx_time_first_tuple(self):
        module = mt.TimeFirstTuple()
        ge.export_onnx(module, self.path("t.onnx"), mt.IN, batch_first=False,
                       output_names=["y", "h_n"])
        proto, stored, _ = metadata_check(self.path("t.onnx"))
        self.assertEqual([o.name for o in proto.graph.output], ["y", "h_n"])
        self.assert_is_forward(module, stored, False, per_step=True)
        self.assert_graph_reproduces(proto, stored, False, per_step=True)

    def test_export_onnx_stores_the_output_grutiny_compiles(self):
        # forward returns (y, fc(y)): GruTiny compiles the output computed furthest, fc(y), so
        # that is what the self-check must describe, not the first element.
        module = mt.LogitsSecond()
        ge.export_onnx(module, self.path("l.onnx"), mt.IN, batch_first=True,
                       output_names=["y", "logits"])
        proto, stored, _ = metadata_check(self.path("l.onnx"))
        self.assert_reader_shape(stored, mt.IN, mt.OUT)
        self.assert_is_forward(module, stored, True, per_step=True, output=1)
        self.assert_graph_reproduces(proto, stored, True, per_step=True, output=1)

    def test_add_onnx_self_check_to_a_last_step_classifier(self):
        # The docs/onnx.md recipe: torch.onnx.export, then the helper from the same module.
        module = mt.LastStepClassifier()
        path = self.path("plain.onnx")
        plain_onnx_export(module, path)
        # torch.onnx.export alone carries no self-check.
        self.assertEqual(metadata_check(path)[2], 0)
        check = ge.add_onnx_self_check(path, module, mt.IN, batch_first=True)
        proto, stored, count = metadata_check(path)
        self.assertEqual((count, stored), (1, check))
        self.assert_is_forward(module, stored, True, per_step=False)
        self.assert_graph_reproduces(proto, stored, True, per_step=False)
        # Replaced, not added, on a second run.
        ge.add_onnx_self_check(path, module, mt.IN, batch_first=True)
        self.assertEqual(metadata_check(path)[2], 1)

    def test_add_onnx_self_check_runs_a_double_module_in_eval_mode(self):
        # A float64 module left in training mode, with dropout: its float32 copy must run in
        # eval mode too, so the data is repeatable and is the module's eval forward.
        module = mt.Dropouts()
        path = self.path("d.onnx")
        plain_onnx_export(module, path)
        reference = mt.Dropouts().eval()
        module.double().train()
        first = ge.add_onnx_self_check(path, module, mt.IN, batch_first=True)
        self.assertEqual(first, ge.add_onnx_self_check(path, module, mt.IN, batch_first=True))
        for x, y in pairs(first):
            np.testing.assert_allclose(y, forward_rows(reference, x), rtol=0, atol=1e-6)
        self.assertTrue(module.training)
        self.assertEqual(module.fc.weight.dtype, torch.float64)

    def test_add_onnx_self_check_warns_above_the_parameter_limit(self):
        # GruTiny counts the layers forward uses: the GRU (312) and fc (36), not the unused
        # head (900) nor the unused tensor (8).
        module = mt.UnusedParameters()
        path = self.path("u.onnx")
        plain_onnx_export(module, path)
        _, messages = export_warnings(ge.add_onnx_self_check, path, module, mt.IN, True,
                                      max_parameters=348)
        self.assertEqual(messages, [])
        _, messages = export_warnings(ge.add_onnx_self_check, path, module, mt.IN, True,
                                      max_parameters=347)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("has 348 parameters", messages[0])
        self.assertIn("GRUT015", messages[0])

    def test_stacked_state_output_is_refused(self):
        with self.assertRaisesRegex(ValueError, "h_n of a GRU with several layers"):
            ge.export_onnx(mt.ReturnsStackedState(), self.path("s.onnx"), mt.IN, True)

    def test_no_self_check_when_asked(self):
        self.assertIsNone(ge.export_onnx(mt.MatchingChain(), self.path("n.onnx"), mt.IN, True,
                                         self_check=False))
        self.assertEqual(metadata_check(self.path("n.onnx"))[2], 0)

    def test_model_above_the_self_check_budget_is_written_without_one(self):
        saved = ge.SELF_CHECK_MAX_WORK
        self.addCleanup(setattr, ge, "SELF_CHECK_MAX_WORK", saved)
        ge.SELF_CHECK_MAX_WORK = 100  # less than one step of the 348-parameter model
        check, messages = export_warnings(ge.export_onnx, mt.MatchingChain(), self.path("b.onnx"),
                                          mt.IN, True)
        self.assertIsNone(check)
        self.assertEqual(metadata_check(self.path("b.onnx"))[2], 0)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("no self_check stored", messages[0])
        self.assertIn("self_check=False", messages[0])

    def test_parameter_limit_warning(self):
        _, messages = export_warnings(ge.export_onnx, mt.MatchingChain(), self.path("w.onnx"),
                                      mt.IN, True, max_parameters=100)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("GruTinyMaxParameters", messages[0])
        self.assertIn("GRUT015", messages[0])

    def test_only_the_known_gru_export_warnings_are_hidden(self):
        class Warns(mt.MatchingChain):
            def forward(self, x):
                warnings.warn("the user's own warning")
                return super().forward(x)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ge.export_onnx(mt.MatchingChain(), self.path("q.onnx"), mt.IN, True)
        self.assertEqual([str(w.message) for w in caught], [])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ge.export_onnx(Warns(), self.path("v.onnx"), mt.IN, True)
        self.assertIn("the user's own warning", [str(w.message) for w in caught])


if __name__ == "__main__":
    unittest.main()
