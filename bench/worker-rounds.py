#!/usr/bin/env python3
"""Times one shape in several live processes of several programs, round by round, over the worker protocol.

The interleaved runner (`dotnet run -c Release --project bench/GruTiny.Bench -- versus`) is the measure of the
performance targets. This driver asks narrower questions of the same workers, each alive for the whole run and
asked in turn, one at a time:
  - whether a speed belongs to a process or to the moment (--matrix prints every sample, a row per round);
  - what one build gives against another or against RTNeural, all samples taken in the same rounds: for each program
    after the first, the ratio of its processes' median to the first program's, round by round (later / first).

A program is NAME=PATH: a GruTiny.Bench output folder (bin/Release/net10.0 with the versus-data a `versus` run
writes there), run as `dotnet GruTiny.Bench.dll worker versus-data float32` with
DOTNET_PreferredVectorBitWidth=--width; or an RTNeural baseline executable (bench/rtneural/bin/baseline-avx2 or
baseline-sse42), run as `baseline serve DATA`, DATA being the versus-data of the first GruTiny folder given. Every
process checks its outputs against the float64 reference before it answers, as in the runner. Within a round the
programs are asked in an order that rotates from round to round, process 1 of each, then process 2 of each, and so on.

  python3 bench/worker-rounds.py --shape in16_h128x1_d16 --width 256 --processes 4 --rounds 50 --matrix \\
      rtneural=bench/rtneural/bin/baseline-avx2 gruTiny=bench/GruTiny.Bench/bin/Release/net10.0
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile


class Worker:
    """One live process of a program: started, checked ("ready"), asked, stopped."""

    def __init__(self, name, index, path, width, data):
        self.name, self.label = name, f"{name}#{index}"
        if os.path.isdir(path):
            env = dict(os.environ, DOTNET_PreferredVectorBitWidth=str(width))
            command, cwd = ["dotnet", "GruTiny.Bench.dll", "worker", "versus-data", "float32"], path
        else:
            env, command, cwd = dict(os.environ), [os.path.abspath(path), "serve", data], None
        self.errors = tempfile.TemporaryFile(mode="w+")  # the check's lines: shown if it fails
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.errors, text=True)
        first = self.process.stdout.readline().strip()
        if first != "ready":
            self.errors.seek(0)
            raise SystemExit(f"{self.label} ({path}) did not get ready: {first!r}\n{self.errors.read()}")

    def time(self, shape):
        self.process.stdin.write(f"time {shape}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        try:
            return float(answer)
        except ValueError:
            raise SystemExit(f"{self.label} answered 'time {shape}' with {answer!r}"
                             + (" (it exited)" if self.process.poll() is not None else ""))

    def stop(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        except OSError:
            pass  # already gone
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()


def quartiles(values):
    # Inclusive, as the runner's (linear interpolation between the sorted values).
    q = statistics.quantiles(values, n=4, method="inclusive")
    return f"{statistics.median(values):.3f} (Q1–Q3 {q[0]:.3f}–{q[2]:.3f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("programs", nargs="+", metavar="NAME=PATH")
    parser.add_argument("--shape", required=True, help="a shape's file name, e.g. in16_h128x1_d16")
    parser.add_argument("--width", type=int, default=256, choices=(128, 256), help="GruTiny's vector width")
    parser.add_argument("--processes", type=int, default=3, help="live processes of each program (at least 1)")
    parser.add_argument("--rounds", type=int, default=31, help="at least 2")
    parser.add_argument("--matrix", action="store_true", help="print every sample, a row per round")
    args = parser.parse_args()
    if args.rounds < 2 or args.processes < 1:
        parser.error("--rounds must be at least 2 and --processes at least 1")

    programs = [p.split("=", 1) for p in args.programs]
    if any(len(p) != 2 or not p[0] for p in programs):
        parser.error("each program is NAME=PATH")
    names = [name for name, _ in programs]
    if len(set(names)) != len(names):
        parser.error("each program needs a name of its own")
    for name, path in programs:
        if os.path.isdir(path):
            if not os.path.isfile(os.path.join(path, "GruTiny.Bench.dll")) or not os.path.isdir(os.path.join(path, "versus-data")):
                parser.error(f"{name}: {path} has no GruTiny.Bench.dll or no versus-data (build the bench, run `versus` once)")
        elif not os.path.isfile(path) or not os.access(path, os.X_OK):
            parser.error(f"{name}: {path} is neither a GruTiny.Bench output folder nor an executable")
        elif ("avx2" in os.path.basename(path)) != (args.width == 256):
            print(f"note: {name} ({os.path.basename(path)}) timed beside GruTiny at {args.width} bits", file=sys.stderr)
    folders = [path for _, path in programs if os.path.isdir(path)]
    if not folders:
        parser.error("at least one program must be a GruTiny.Bench output folder (its versus-data is the check data)")
    data = os.path.join(os.path.abspath(folders[0]), "versus-data")
    if not os.path.isfile(os.path.join(data, args.shape + ".gru.json")):
        parser.error(f"no shape {args.shape} in {data}")

    workers = {name: [] for name in names}
    try:
        for i in range(args.processes):
            for name, path in programs:
                workers[name].append(Worker(name, i + 1, path, args.width, data))
        everyone = [w for name in names for w in workers[name]]
        for worker in everyone:
            worker.time(args.shape)  # a discarded warm-up sample each
        if args.matrix:
            width = max(10, max(len(w.label) for w in everyone) + 1)
            print("round " + "".join(w.label.rjust(width) for w in everyone))
        samples = {w.label: [] for w in everyone}
        ratios = {name: [] for name in names[1:]}
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for i in range(args.processes):
                for name in order:
                    worker = workers[name][i]
                    samples[worker.label].append(worker.time(args.shape))
            medians = {name: statistics.median(samples[w.label][-1] for w in workers[name]) for name in names}
            for name in names[1:]:
                ratios[name].append(medians[name] / medians[names[0]])
            if args.matrix:
                print(f"{r:5d} " + "".join(f"{samples[w.label][-1]:{width}.0f}" for w in everyone), flush=True)
        print(f"{args.shape}, width {args.width}, {args.processes} process(es) a program, {args.rounds} rounds; ns a step:")
        for name in names:
            values = [v for w in workers[name] for v in samples[w.label]]
            print(f"  {name:12s} median {statistics.median(values):9.1f}  (min {min(values):.0f}, max {max(values):.0f})")
        for name in names[1:]:
            print(f"  {name} / {names[0]}, per round (median of each program's processes): {quartiles(ratios[name])}")
    finally:
        for name in names:
            for worker in workers[name]:
                worker.stop()


if __name__ == "__main__":
    main()
