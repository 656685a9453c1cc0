"""The committed test fixtures are what the tools write today: regenerating them into a
temporary folder gives the same files, manifest.json included -- no file missing from the committed
folder, none there that the tool no longer writes.  So a change to the exporter that would alter them
(for example the self-check data of a list of modules) shows here, and so does a fixture added to a
tool but never committed.

Byte for byte, but for the reference outputs (*.ref.json): those are float64 sums that PyTorch computes
with the vector kernels of the CPU it runs on, and their last bits differ between machines (regenerated
on a Zen 3 core without AVX-512, 17 of them differed from the committed ones, written on AVX-512 cores,
by at most a few 1e-17).  There every float must agree within 1e-12 (relative, or absolute near zero:
seven orders of magnitude below the parity tolerance they are used with, 1e-5), and everything else --
keys, lengths, the type of every value, strings, integers -- exactly."""

import support
from support import ROOT

import contextlib
import filecmp
import io
import json
import math
import os
import tempfile
import unittest

import make_reference
import make_self_check


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(d, name), folder)
                  for d, _, names in os.walk(folder) for name in names)


class FixturesRegenerate(unittest.TestCase):
    def assert_regenerates(self, tool, committed):
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(tool.main(["--out", tmp]), 0)
            written = files_under(tmp)
            self.assertEqual(files_under(committed), written)
            for rel in written:
                if rel.endswith(".ref.json"):
                    with open(os.path.join(committed, rel)) as a, open(os.path.join(tmp, rel)) as b:
                        self.assert_same_numbers(json.load(a), json.load(b), rel)
                else:
                    self.assertTrue(filecmp.cmp(os.path.join(committed, rel),
                                                os.path.join(tmp, rel), shallow=False), rel)
            return written

    def assert_same_numbers(self, committed, written, path):
        """Equal JSON values, floats within 1e-12 relative (the module docstring says why)."""
        self.assertIs(type(committed), type(written), path)
        if isinstance(committed, float):
            self.assertTrue(math.isclose(committed, written, rel_tol=1e-12, abs_tol=1e-12),
                            f"{path}: {committed!r} committed, {written!r} written")
        elif isinstance(committed, dict):
            self.assertIsInstance(written, dict, path)
            self.assertEqual(list(committed), list(written), path)
            for key in committed:
                self.assert_same_numbers(committed[key], written[key], f"{path}/{key}")
        elif isinstance(committed, list):
            self.assertIsInstance(written, list, path)
            self.assertEqual(len(committed), len(written), path)
            for i, (c, w) in enumerate(zip(committed, written)):
                self.assert_same_numbers(c, w, f"{path}[{i}]")
        else:
            self.assertEqual(committed, written, path)

    def test_self_check_fixtures(self):
        written = self.assert_regenerates(
            make_self_check, os.path.join(ROOT, "tests", "GruTiny.Tests", "SelfCheck"))
        for name in ("manifest.json", "ok.gru.json", "ok.onnx", "classifier_last.gru.json",
                     "classifier_last.onnx", "hn_head.onnx"):
            self.assertIn(name, written)

    def test_reference_outputs_agree_within_1e_12_and_nothing_else_may_differ(self):
        self.assert_same_numbers({"outputs": [[0.5, -2.0]]}, {"outputs": [[0.5 * (1 + 1e-13), -2.0]]}, "ok")
        for written in ({"outputs": [[0.5 * (1 + 1e-10), -2.0]]}, {"output": [[0.5, -2.0]]},
                        {"outputs": [[0.5, -2.0, 1.0]]}, {"outputs": [[0.5, "-2.0"]]}, {"outputs": [[0.5, -2]]}):
            with self.assertRaises(AssertionError):
                self.assert_same_numbers({"outputs": [[0.5, -2.0]]}, written, "bad")

    def test_reference_models(self):
        written = self.assert_regenerates(
            make_reference, os.path.join(ROOT, "tests", "GruTiny.ReferenceModels", "Models"))
        self.assertGreater(len(written), 20)


if __name__ == "__main__":
    unittest.main()
