"""The exporter warns when the file it writes has more parameters than GruTiny accepts (the
generator's GruTinyMaxParameters, default 2,000,000, or the limit the user names), and keeps
the self-check within the generator's build-time budget."""

import support
from support import ROOT, ge, export_warnings, run_cli

import os
import re
import unittest

import torch
import torch.nn as nn

import modules_for_tests as mt


class ParameterLimit(unittest.TestCase):
    def test_default_is_the_generators(self):
        with open(os.path.join(ROOT, "src", "GruTiny", "Common", "Model", "Reading", "ModelDescriptionReader.cs"),
                  encoding="utf-8") as f:
            source = f.read()
        found = re.search(r"DefaultMaxParameters\s*=\s*([0-9_]+)\s*;", source)
        self.assertIsNotNone(found)
        self.assertEqual(ge.DEFAULT_MAX_PARAMETERS, int(found.group(1).replace("_", "")))

    def test_command_line_warns_above_the_users_limit(self):
        status, out, err, written = run_cli(mt.MatchingChain(), "--max-parameters", "300")
        self.assertEqual(status, 0, err)
        self.assertIsNotNone(written, "the warning must not stop the export")
        self.assertIn("warning:", err)
        self.assertIn("has 348 parameters", err)
        self.assertIn("GruTinyMaxParameters", err)
        self.assertIn("GRUT015", err)
        self.assertIn("<GruTinyMaxParameters>348</GruTinyMaxParameters>", err)
        self.assertIn("348 parameters", out)

    def test_no_warning_at_or_below_the_limit(self):
        status, _, err, _ = run_cli(mt.MatchingChain(), "--max-parameters", "348")
        self.assertEqual(status, 0, err)
        self.assertNotIn("warning", err)

    def test_default_limit(self):
        # 3 * 817 * (1 + 817) + 6 * 817 = 2,009,820 parameters: just over 2,000,000.
        torch.manual_seed(0)
        gru = nn.GRU(1, 817)
        m, messages = export_warnings(ge.export, [gru], self_check=False)
        self.assertEqual(ge.parameter_count(m), 2_009_820)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("GruTiny's default limit of 2,000,000", messages[0])
        _, messages = export_warnings(ge.export, [gru], self_check=False, max_parameters=2_009_820)
        self.assertEqual(messages, [])

    def test_invalid_limit(self):
        for bad in (0, 100_000_001, 2.5, True):
            with self.subTest(limit=bad), self.assertRaisesRegex(ValueError, "max_parameters"):
                ge.export([nn.GRU(2, 3)], max_parameters=bad)

    def test_parameter_count_as_the_reader_counts(self):
        # gru 3H(in + H) + 3H per bias present; dense out * in (+ out with a bias).
        w = lambda r, c: [[0.5] * c for _ in range(r)]
        layers = [ge.gru_layer(w(12, 3), w(12, 4), bias_ih=[0.0] * 12),
                  ge.dense_layer(w(2, 4)), ge.dense_layer(w(5, 2), [0.0] * 5)]
        m = ge.model(3, layers)
        self.assertEqual(ge.parameter_count(m), 3 * 4 * (3 + 4) + 12 + 2 * 4 + 5 * 2 + 5)

    def test_self_check_within_the_build_time_budget(self):
        # steps over all sequences x parameters <= 64,000,000 (SelfCheck.MaxWork).
        self.assertEqual(ge._self_check_size(2_000_000), (2, 16))
        self.assertEqual(ge._self_check_size(3_000_000), (2, 10))
        self.assertEqual(ge._self_check_size(40_000_000), (1, 1))
        self.assertIsNone(ge._self_check_size(70_000_000))


if __name__ == "__main__":
    unittest.main()
