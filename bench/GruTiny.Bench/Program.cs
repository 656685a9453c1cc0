using BenchmarkDotNet.Running;
using GruTiny.Bench;

// dotnet run -c Release --project bench/GruTiny.Bench -- --filter '*' [--job short]   (see bench/README.md)
// dotnet run -c Release --project bench/GruTiny.Bench -- alignment [rounds]            (AlignmentRunner.cs)
if (args.Length > 0 && args[0] == "alignment")
{
    AlignmentRunner.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 31);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PeakFma).Assembly).Run(args);
