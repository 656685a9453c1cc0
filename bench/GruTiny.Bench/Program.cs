using BenchmarkDotNet.Running;
using GruTiny.Bench;

// dotnet run -c Release --project bench/GruTiny.Bench -- --filter '*' [--job short]   BenchmarkDotNet (bench/README.md)
// dotnet run -c Release --project bench/GruTiny.Bench -- versus [rounds] [--weights int8|float16]   against RTNeural (Versus/VersusRunner.cs)
// dotnet run -c Release --project bench/GruTiny.Bench -- check-baseline               only the checks of the above
// dotnet run -c Release --project bench/GruTiny.Bench -- rounds SHAPE [--width W] NAME=PATH …   one shape, builds side by side (Versus/RoundsRunner.cs)
// dotnet run -c Release --project bench/GruTiny.Bench -- alignment [rounds]            (AlignmentRunner.cs)
// dotnet run -c Release --project bench/GruTiny.Bench -- accuracy                      weight types on the reference models (QuantizationAccuracy.cs)
// dotnet run -c Release --project bench/GruTiny.Bench -- vector512 [rounds]           Vector512 against Vector256 on the loops the kernels are bound by (Vector512Runner.cs)
// dotnet run -c Release --project bench/GruTiny.Bench -- jit-check [--arm64 DOTNET]    no stray call or spill in the kernels' code, x64 [and ARM64] (Versus/JitCheck.cs)
// dotnet run -c Release --project bench/GruTiny.Bench -- startup [shape] [seconds]    Step's time from the first call on, as tiered compilation goes (StartupRunner.cs)
switch (args.Length > 0 ? args[0] : "")
{
    case "versus" or "check-baseline":
        return VersusRunner.Run(args);
    case "rounds":
        return RoundsRunner.Run(args);
    case "worker" when args.Length is 2 or 3:
        return TimingWorker.Run(args[1], args.Length == 3 ? GruTiny.Model.WeightQuantizer.Parse(args[2]) ?? throw new System.ArgumentException(args[2]) : GruTiny.GruWeightType.Float32);
    case "accuracy":
        return QuantizationAccuracy.Run();
    case "jit-check":
        return JitCheck.Run(args);
    case "vector512":
        return Vector512Runner.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 31);
    case "startup":
        return StartupRunner.Run(args);
    case "alignment":
        AlignmentRunner.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 31);
        return 0;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(PeakFma).Assembly).Run(args);
        return 0;
}
