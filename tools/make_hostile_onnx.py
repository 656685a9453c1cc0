#!/usr/bin/env python3
"""Write tests/GruTiny.Tests/Onnx/hostile.onnx: the reference model onnx_base with a hostile string in
every string field ONNX allows -- node, tensor, input, output and graph names, doc strings, producer,
domain-free metadata -- for the test that nothing from a file becomes code.

Usage::  /usr/bin/python3 tools/make_hostile_onnx.py

Deterministic. The model still computes exactly what onnx_base computes (names are renamed
consistently), so GruTiny must compile it, and its output must carry none of the strings.
"""
import os
import sys

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SOURCE = os.path.join(ROOT, "tests", "GruTiny.ReferenceModels", "Models", "onnx", "onnx_base.onnx")
OUT = os.path.join(ROOT, "tests", "GruTiny.Tests", "Onnx", "hostile.onnx")

PAYLOADS = [
    '"; } #error injected',
    '*/ #line 1 "evil.cs"',
    '\n#error after a newline\n',
    '\\u0022 escaped quote \\" and \u2028 line separator',
    '[System.Runtime.CompilerServices.ModuleInitializer] internal static void Evil() { System.Environment.Exit(3); }',
    '\r\n/* open comment // ',
]


def main():
    model = onnx.load(SOURCE)
    g = model.graph
    names = {}

    def hostile(name):
        if name == "":
            return name
        if name not in names:
            names[name] = f"{PAYLOADS[len(names) % len(PAYLOADS)]} #{len(names)}"
        return names[name]

    for node in g.node:
        node.name = hostile("node:" + node.name)
        node.doc_string = PAYLOADS[4]
        for i, v in enumerate(node.input):
            node.input[i] = hostile(v)
        for i, v in enumerate(node.output):
            node.output[i] = hostile(v)
        for a in node.attribute:
            if a.t and a.t.name:
                a.t.name = hostile("const:" + a.t.name)
    for t in g.initializer:
        t.name = hostile(t.name)
        t.doc_string = PAYLOADS[1]
    for v in list(g.input) + list(g.output) + list(g.value_info):
        v.name = hostile(v.name)
        v.doc_string = PAYLOADS[2]
    g.name = PAYLOADS[0]
    g.doc_string = PAYLOADS[5]
    model.producer_name = PAYLOADS[3]
    model.doc_string = PAYLOADS[4]
    entry = model.metadata_props.add()
    entry.key, entry.value = PAYLOADS[0], PAYLOADS[4]
    onnx.checker.check_model(model)
    onnx.save(model, OUT)
    print(f"{OUT}: {len(names)} names replaced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
