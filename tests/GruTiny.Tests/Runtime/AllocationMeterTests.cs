using System;
using Xunit;
using Xunit.Sdk;

namespace GruTiny.Tests.Runtime;

/// <summary>The meter every zero-allocation test relies on: it can fail, and it looks where the runtime keeps its cache.</summary>
[Collection(AllocationCollection.Name)]
public sealed class AllocationMeterTests
{
    [Fact]
    public void An_allocation_in_the_window_is_the_threads_own_and_fails_the_assertion()
    {
        var meter = AllocationMeter.Start();
        GC.KeepAlive(new byte[1000]);
        AllocationReading reading = meter.Stop();
        Assert.Equal(0, reading.CastCacheBytes);
        Assert.InRange(reading.OwnBytes, 1000, 1100);
        var e = Assert.Throws<TrueException>(reading.AssertNone);
        Assert.Contains("bytes allocated on this thread", e.Message);
    }

    [Fact]
    public void The_runtimes_cast_cache_is_an_int_array_where_the_meter_looks()
    {
        // If a runtime renames or reshapes the cache, this fails: the meter would then count a growth of it as the
        // test's own allocation again, and the attribution in AllocationMeter needs looking at.
        Assert.NotNull(AllocationMeter.CastCacheField);
        Assert.IsType<int[]>(AllocationMeter.CastCacheField.GetValue(null));
    }
}
