using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Proof that the emulated ARM64 run (tools/arm64/emulated.sh, .ci/run) ran where it says: that script sets
/// GRUTINY_EXPECT_ARM64=1 for the whole <c>dotnet test</c> run, so if a vstest setting silently put the test host
/// on x64, this test fails instead of the kernels quietly being tested on the wrong path. Elsewhere it is skipped.
/// </summary>
public sealed class Arm64Tests
{
    [Arm64Fact]
    public void Process_is_ARM64_with_NEON_and_without_Vector256()
    {
        Assert.Equal(Architecture.Arm64, RuntimeInformation.ProcessArchitecture);
        Assert.True(AdvSimd.Arm64.IsSupported, "AdvSimd.Arm64.IsSupported");
        Assert.True(Vector128.IsHardwareAccelerated, "Vector128.IsHardwareAccelerated");
        Assert.False(Vector256.IsHardwareAccelerated, "Vector256.IsHardwareAccelerated");
    }

    /// <summary>A fact that runs only when GRUTINY_EXPECT_ARM64=1.</summary>
    private sealed class Arm64FactAttribute : FactAttribute
    {
        public Arm64FactAttribute()
        {
            if (Environment.GetEnvironmentVariable("GRUTINY_EXPECT_ARM64") != "1")
                Skip = "runs in the emulated ARM64 test run only (GRUTINY_EXPECT_ARM64=1: tools/arm64/emulated.sh test)";
        }
    }
}
