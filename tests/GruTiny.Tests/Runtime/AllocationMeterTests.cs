using System;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
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

    [Fact]
    public void Start_lets_dropped_collectible_contexts_be_freed_so_that_no_cast_cache_flush_falls_in_the_window()
    {
        // Freeing a collectible context replaces the runtime's cast cache with its empty sentinel (AllocationMeter's
        // remarks). Without SettleUnloads in Start, the collections below would free these contexts inside the
        // window and the table read at the end would be another one. A context still referenced does not hold
        // Start up.
        var kept = new AssemblyLoadContext("kept-" + Guid.NewGuid(), isCollectible: true);
        for (int i = 0; i < 3; i++) LoadAndDrop();
        var meter = AllocationMeter.Start();
        object? table = AllocationMeter.CastCacheField!.GetValue(null);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Same(table, AllocationMeter.CastCacheField.GetValue(null));
        meter.Stop().AssertNone();
        GC.KeepAlive(kept);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // nothing of the context may stay referenced from the test's frame
    private static void LoadAndDrop()
    {
        var context = new AssemblyLoadContext("dropped-" + Guid.NewGuid(), isCollectible: true);
        var assembly = context.LoadFromAssemblyPath(typeof(GruNetwork).Assembly.Location);
        Assert.NotEmpty(assembly.GetTypes());
    }
}
