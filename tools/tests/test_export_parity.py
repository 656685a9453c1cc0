"""tools/grutiny_export.py on users' own modules and on lists: the file is written only when what
the modules compute equals what the file's layers compute, and the self-check comes from the
modules themselves (a user's own forward), never from the exporter's reconstruction.
"""

import support
from support import ge, forward_rows, pairs, run_cli

import unittest

import numpy as np
import torch
import torch.nn as nn

import modules_for_tests as mt


def stored(model_dict):
    return pairs(model_dict["self_check"])


class RefusedForwards(unittest.TestCase):
    """A forward that computes something its children in registration order do not: exit 1,
    nothing written, the message names the first differing output and the specific likely
    cause."""

    def assert_refused(self, module, *cause_words, extra=()):
        status, out, err, written = run_cli(module, *extra)
        self.assertEqual(status, 1, f"exported silently: {out}{err}")
        self.assertIsNone(written, "a refused export must not write the file")
        self.assertIn("does not compute what its child modules compute", err)
        self.assertRegex(err, r"sequence \d+, step \d+, output \d+: forward gives ")
        self.assertIn("Nothing was written", err)
        self.assertIn("export_onnx", err)  # the way forward
        for word in cause_words:
            self.assertIn(word, err)
        return err

    def test_softmax_in_forward(self):
        err = self.assert_refused(mt.SoftmaxInForward(), "softmax to the output")
        self.assertIn("On the self-check inputs, sequence 0, step 0, output 0", err)

    def test_functional_activation_on_the_input(self):
        self.assert_refused(mt.ActivationOnInput(),
                            "Likely cause: forward applies tanh to the input before its first "
                            "child (torch.tanh(x))")

    def test_clamp_on_the_input_shows_only_at_saturation(self):
        self.assert_refused(mt.ClampOnInput(), "x10 (normalised units)", "only on large values")

    def test_constant_factor_on_the_output(self):
        self.assert_refused(mt.ConstantFactor(), "constant factor of about 3")

    def test_children_registered_out_of_order(self):
        self.assert_refused(mt.RegisteredOutOfOrder(),
                            "Likely cause: forward calls its Linear layers as "
                            "RegisteredOutOfOrder.proj -> RegisteredOutOfOrder.head, but they are "
                            "registered as RegisteredOutOfOrder.head -> RegisteredOutOfOrder.proj")

    def test_input_layout_inferred_wrongly(self):
        # Called as its GRU suggests (time-first), forward reads each step as a sequence of one:
        # refused, never guessed, and the message says which layout works.
        self.assert_refused(mt.TransposesInput(), "forward takes its input as x [1, T, 3] "
                            "(batch-first)", "pass batch_first=True (command line: "
                            "--input-layout batch-first)")

    def test_first_element_of_a_tuple_is_an_earlier_stage(self):
        self.assert_refused(mt.FirstOfTuple(), "forward returns the output of FirstOfTuple.gru, "
                            "not of its last child FirstOfTuple.fc")

    def test_learned_initial_state(self):
        self.assert_refused(mt.LearnedInitialState(), "LearnedInitialState.h0 [1, 1, 8], which "
                            "no layer holds")

    def test_window_that_shows_only_on_a_long_sequence(self):
        # Up to 20 steps forward equals its children; the 256-step sequence shows the window.
        self.assert_refused(mt.LastWindow(), "On a sequence of 256 steps",
                            "reads only part of a long sequence")

    def test_token_model_with_softmax_in_forward(self):
        self.assert_refused(mt.SoftmaxTokenModel(), "softmax to the output")

    def test_python_api_refuses_too(self):
        with self.assertRaisesRegex(ValueError, "softmax to the output"):
            ge.export(mt.SoftmaxInForward())

    def test_refused_even_without_a_self_check(self):
        status, _, err, written = run_cli(mt.ConstantFactor(), "--no-self-check")
        self.assertEqual(status, 1)
        self.assertIsNone(written)
        self.assertIn("constant factor", err)

    def test_output_that_is_not_one_vector(self):
        status, _, err, written = run_cli(mt.ReturnsStackedState())
        self.assertEqual(status, 1)
        self.assertIsNone(written)
        self.assertIn("h_n of a GRU with several layers", err)


class HooksAndReparametrisations(unittest.TestCase):
    """What makes a module compute something other than its weights: the file holds the
    weights, so the modules as called are compared with fresh layers loaded from the file."""

    def hooked(self):
        module = mt.MatchingChain()
        module.fc.register_forward_hook(lambda m, inputs, output: output * 3.0)
        return module

    def test_forward_hook_on_a_child(self):
        with self.assertRaisesRegex(ValueError, r"MatchingChain\.fc has a forward hook"):
            ge.export(self.hooked())

    def test_forward_hook_in_a_list(self):
        module = self.hooked()
        with self.assertRaises(ValueError) as caught:
            ge.export([module.gru, module.fc, module.softmax])
        text = str(caught.exception)
        self.assertIn("The modules as called do not compute what their weights compute", text)
        self.assertIn("module 1 has a forward hook", text)

    def test_pre_hook_on_the_gru(self):
        module = mt.MatchingChain()
        module.gru.register_forward_pre_hook(lambda m, inputs: (torch.tanh(inputs[0]),))
        with self.assertRaisesRegex(ValueError, r"MatchingChain\.gru has a forward pre-hook"):
            ge.export(module)

    def weight_norm_after_a_step(self):
        module = mt.MatchingChain()
        nn.utils.weight_norm(module.fc)
        optimizer = torch.optim.SGD(module.parameters(), lr=0.5)
        module(torch.randn(1, 5, mt.IN)).pow(2).sum().backward()
        optimizer.step()  # weight_g and weight_v change; .weight is recomputed at the next call
        return module

    def test_weight_norm_with_a_stale_weight(self):
        message = r"MatchingChain\.fc uses WeightNorm: .*remove_weight_norm"
        with self.assertRaisesRegex(ValueError, message):
            ge.export(self.weight_norm_after_a_step())
        module = self.weight_norm_after_a_step()
        with self.assertRaisesRegex(ValueError, r"module 1 uses WeightNorm"):
            ge.export([module.gru, module.fc, module.softmax])

    def test_weight_norm_removed_is_exported(self):
        module = self.weight_norm_after_a_step()
        nn.utils.remove_weight_norm(module.fc)
        m = ge.export(module)
        for x, y in stored(m):
            np.testing.assert_array_equal(y, forward_rows(module, x))


class ForwardMustBeRepeatable(unittest.TestCase):
    """A forward that answers differently on the same input cannot be a file, and probing it must
    leave the module and the random state as they were."""

    def test_state_kept_between_calls(self):
        module = mt.Stateful()
        rng = torch.get_rng_state()
        with self.assertRaisesRegex(ValueError, r"keeps state between calls: it changes "
                                                r"Stateful\.h"):
            ge.export(module)
        self.assertIsNone(module.h, "the module's state was left changed")
        self.assertTrue(torch.equal(rng, torch.get_rng_state()))

    def test_functional_dropout(self):
        with self.assertRaisesRegex(ValueError, r"draws random numbers: .*training=self\.training"):
            ge.export(mt.FunctionalDropout())


class UnhelpfulForwards(unittest.TestCase):
    """Errors from running forward say why the exporter called it that way and what to do."""

    def test_own_module_nested_in_the_module(self):
        with self.assertRaises(ValueError) as caught:
            ge.export(mt.NestedOwnModule())
        text = str(caught.exception)
        self.assertIn("NestedOwnModule.encoder (Encoder) is a module of your own", text)
        self.assertIn("register its layers directly on the module you export", text)
        self.assertIn("export_onnx", text)

    def test_required_extra_argument(self):
        with self.assertRaisesRegex(ValueError, r"missing 1 required positional argument: "
                                                r"'lengths'.*give forward's other parameters "
                                                r"defaults"):
            ge.export(mt.NeedsLengths())

    def test_forward_that_cannot_run_on_one_step(self):
        with self.assertRaisesRegex(ValueError, r"on the first 1 step\(s\).*any length from 1 "
                                                r"step"):
            ge.export(mt.SecondToLastStep())

    def test_batch_first_for_a_list(self):
        module = mt.MatchingChain()
        with self.assertRaisesRegex(ValueError, "batch_first"):
            ge.export([module.gru, module.fc], batch_first=True)


class AcceptedForwards(unittest.TestCase):
    """Modules whose forward equals their children: written, with the self-check of forward
    itself, and the command line says what it checked."""

    def test_non_sequential_module_that_matches(self):
        module = mt.MatchingChain()
        status, out, err, written = run_cli(module)
        self.assertEqual(status, 0, err)
        self.assertNotIn("warning", err)
        self.assertIn("checked: MatchingChain.forward, read as per-step outputs", out)
        self.assertIn("and a sequence of 256 steps: worst", out)
        self.assertIn("self_check: 2 sequence(s) x 16 steps computed by MatchingChain.forward", out)
        self.assertEqual([l["type"] for l in written["layers"]], ["gru", "dense"])
        self.assertEqual(written["layers"][1]["activation"], "softmax")
        for x, y in stored(written):
            np.testing.assert_array_equal(y, forward_rows(module, x))

    def test_self_check_is_forward_not_the_reconstruction(self):
        for module, per_step in ((mt.NearlyTheChain(), True), (mt.LastStepTimesFactor(), False)):
            with self.subTest(module=type(module).__name__):
                children = type(module).__bases__[0]()  # forward without the factor
                children.load_state_dict(module.state_dict())
                differs = False
                for x, y in stored(ge.export(module)):
                    np.testing.assert_array_equal(y, forward_rows(module, x, per_step=per_step))
                    differs |= not np.array_equal(
                        y, forward_rows(children, x, per_step=per_step))
                self.assertTrue(differs, "the stored outputs are the children's, not forward's")

    def test_last_step_classifier(self):
        module = mt.LastStepClassifier()
        status, out, err, written = run_cli(module)
        self.assertEqual(status, 0, err)
        self.assertIn("one output per sequence", out)
        self.assertEqual(written["layers"][-1]["activation"], "softmax")
        for x, y in stored(written):
            self.assertEqual(y.shape, (16, module.fc.out_features))
            # Row t is forward on the first t + 1 steps: the per-step model after step t.
            np.testing.assert_array_equal(y, forward_rows(module, x, per_step=False))

    def test_head_on_h_n(self):
        for layers in (1, 2):
            with self.subTest(num_layers=layers):
                module = mt.HiddenStateHead(layers)
                m = ge.export(module)
                self.assertEqual(len(m["layers"]), layers + 1)
                for x, y in stored(m):
                    np.testing.assert_array_equal(y, forward_rows(module, x, per_step=False))

    def test_time_first_module_returning_a_tuple(self):
        module = mt.TimeFirstTuple()
        status, out, err, written = run_cli(module)
        self.assertEqual(status, 0, err)
        self.assertIn("time axis 0", out)
        for x, y in stored(written):
            np.testing.assert_array_equal(y, forward_rows(module, x, batch_first=False))

    def test_token_model(self):
        module = mt.TokenModel()
        m = ge.export(module)
        self.assertEqual(m["input_size"], mt.TokenModel.VOCAB)
        for seq in m["self_check"]["sequences"]:
            tokens = torch.tensor([row[0] for row in seq["inputs"]])
            with torch.no_grad():
                own = module.eval()(tokens[None])[0].numpy()
            np.testing.assert_array_equal(np.asarray(seq["outputs"], np.float32), own)

    def test_torchscript_module(self):
        status, out, err, written = run_cli(torch.jit.script(mt.MatchingChain()),
                                            save=torch.jit.save)
        self.assertEqual(status, 0, err)
        self.assertIn("checked: MatchingChain.forward", out)
        status, _, err, _ = run_cli(torch.jit.script(mt.SoftmaxInForward()), save=torch.jit.save)
        self.assertEqual(status, 1)
        self.assertIn("softmax", err)

    def test_input_layout_given(self):
        module = mt.TransposesInput()
        status, out, err, written = run_cli(module, "--input-layout", "batch-first")
        self.assertEqual(status, 0, err)
        for x, y in stored(written):
            np.testing.assert_array_equal(y, forward_rows(module, x))

    def test_list_of_modules(self):
        module = mt.MatchingChain()
        m = ge.export([module.gru, module.fc, module.softmax])
        for x, y in stored(m):
            np.testing.assert_array_equal(y, forward_rows(module, x))

    def test_reduced_self_check_for_a_large_model(self):
        # A model above the build-time budget gets fewer steps: here the budget is shrunk to
        # 2 x 5 steps of the 348-parameter model.
        saved = ge.SELF_CHECK_MAX_WORK
        self.addCleanup(setattr, ge, "SELF_CHECK_MAX_WORK", saved)
        ge.SELF_CHECK_MAX_WORK = 348 * 2 * 5
        module = mt.MatchingChain()
        m = ge.export(module)
        self.assertEqual([len(s["inputs"]) for s in m["self_check"]["sequences"]], [5, 5])
        for (x, y), z in zip(stored(m), ge.self_check_inputs(mt.IN, 2, 5)):
            np.testing.assert_array_equal(x, z)
            np.testing.assert_array_equal(y, forward_rows(module, x))

    def test_training_mode_is_restored(self):
        module = mt.MatchingChain().train()
        ge.export(module)
        self.assertTrue(all(m.training for m in module.modules()))


if __name__ == "__main__":
    unittest.main()
