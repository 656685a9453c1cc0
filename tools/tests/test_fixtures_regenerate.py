"""The committed test fixtures are what the tools write today: regenerating them into a
temporary folder gives exactly the same files, byte for byte, manifest.json included -- no file
missing from the committed folder, none there that the tool no longer writes.  So a change to the
exporter that would alter them (for example the self-check data of a list of modules) shows here,
and so does a fixture added to a tool but never committed."""

import support
from support import ROOT

import contextlib
import filecmp
import io
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
                self.assertTrue(filecmp.cmp(os.path.join(committed, rel),
                                            os.path.join(tmp, rel), shallow=False), rel)
            return written

    def test_self_check_fixtures(self):
        written = self.assert_regenerates(
            make_self_check, os.path.join(ROOT, "tests", "GruTiny.Tests", "SelfCheck"))
        for name in ("manifest.json", "ok.gru.json", "ok.onnx", "classifier_last.gru.json",
                     "classifier_last.onnx", "hn_head.onnx"):
            self.assertIn(name, written)

    def test_reference_models(self):
        written = self.assert_regenerates(
            make_reference, os.path.join(ROOT, "tests", "GruTiny.ReferenceModels", "Models"))
        self.assertGreater(len(written), 20)


if __name__ == "__main__":
    unittest.main()
