using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/GruTiny.Bench -- --filter '*' [--job short]   (see bench/README.md)
BenchmarkSwitcher.FromAssembly(typeof(GruTiny.Bench.PeakFma).Assembly).Run(args);
