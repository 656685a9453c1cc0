#!/usr/bin/env python3
"""Times one shape in several live processes of several programs, round by round, over the worker protocol.

The interleaved runner (`dotnet run -c Release --project bench/GruTiny.Bench -- versus`) is the measure of the
performance targets. This driver asks narrower questions of the same workers, each alive for the whole run and
asked in turn:
  - whether a process's speed belongs to the process or to the moment (--matrix prints every sample by round);
  - what one build gives against another or against RTNeural, the samples of all programs taken in the same rounds
    (the ratio of each round's medians to the first program's).

A program is NAME=PATH: a GruTiny.Bench output folder (bin/Release/net10.0, after the runner has written its
versus-data there), run as `dotnet GruTiny.Bench.dll worker versus-data float32` with
DOTNET_PreferredVectorBitWidth=--width; or an RTNeural baseline executable (bench/rtneural/bin/baseline-avx2 or
baseline-sse42), run as `baseline serve DATA`, DATA being the first GruTiny program's versus-data. Every process
checks its outputs against the float64 reference before it answers, as in the runner.

  python3 bench/worker-rounds.py --shape in16_h128x1_d16 --width 256 --processes 4 --rounds 50 --matrix \\
      gruTiny=bench/GruTiny.Bench/bin/Release/net10.0 rtneural=bench/rtneural/bin/baseline-avx2
"""
import argparse
import os
import statistics
import subprocess
import sys


def start(name, path, width, data):
    if os.path.isdir(path):
        env = dict(os.environ, DOTNET_PreferredVectorBitWidth=str(width))
        command, cwd = ["dotnet", "GruTiny.Bench.dll", "worker", "versus-data", "float32"], path
    else:
        env, command, cwd = dict(os.environ), [os.path.abspath(path), "serve", data], None
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    first = process.stdout.readline().strip()
    if first != "ready":
        sys.exit(f"{name} ({path}) did not get ready (its check failed, or no versus-data): {first!r}")
    return process


def ask(process, request):
    process.stdin.write(request + "\n")
    process.stdin.flush()
    return float(process.stdout.readline())


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return f"{statistics.median(values):.3f} ({q[0]:.3f}–{q[2]:.3f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("programs", nargs="+", metavar="NAME=PATH")
    parser.add_argument("--shape", required=True, help="a shape's file name, e.g. in16_h128x1_d16")
    parser.add_argument("--width", type=int, default=256, choices=(128, 256), help="GruTiny's vector width")
    parser.add_argument("--processes", type=int, default=3, help="live processes of each program")
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--matrix", action="store_true", help="print every sample, a row per round")
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds must be at least 2 (quartiles)")

    programs = [p.split("=", 1) for p in args.programs]
    if any(len(p) != 2 for p in programs):
        parser.error("each program is NAME=PATH")
    folders = [path for _, path in programs if os.path.isdir(path)]
    if not folders:
        parser.error("at least one program must be a GruTiny.Bench output folder (its versus-data is the check data)")
    data = os.path.join(os.path.abspath(folders[0]), "versus-data")

    # Processes in turn, program by program within each index, so that neighbours in time belong to different programs.
    processes = [(name, start(name, path, args.width, data)) for i in range(args.processes) for name, path in programs]
    try:
        for _, process in processes:
            ask(process, "time " + args.shape)  # a discarded warm-up sample each
        names = [name for name, _ in programs]
        if args.matrix:
            print("round " + " ".join(f"{name[:7]}#{i % args.processes + 1}".rjust(10)
                                      for i, (name, _) in enumerate(sorted(processes, key=lambda p: names.index(p[0])))))
        samples = {name: [] for name in names}
        ratios = {name: [] for name in names[1:]}
        for r in range(args.rounds):
            row = {name: [] for name in names}
            for name, process in processes:
                row[name].append(ask(process, "time " + args.shape))
            medians = {name: statistics.median(values) for name, values in row.items()}
            for name in names:
                samples[name] += row[name]
            for name in names[1:]:
                ratios[name].append(medians[name] / medians[names[0]])
            if args.matrix:
                print(f"{r:5d} " + " ".join(f"{v:10.0f}" for name in names for v in row[name]), flush=True)
        print(f"{args.shape}, width {args.width}, {args.processes} processes a program, {args.rounds} rounds; ns a step:")
        for name in names:
            values = samples[name]
            print(f"  {name:12s} median {statistics.median(values):9.1f}  (min {min(values):.0f}, max {max(values):.0f})")
        for name in names[1:]:
            print(f"  {name} / {names[0]}, per round (medians of its processes): {quartiles(ratios[name])}")
    finally:
        for _, process in processes:
            try:
                process.stdin.write("quit\n")
                process.stdin.flush()
            except OSError:
                pass
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
