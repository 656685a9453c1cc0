using System;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Xunit;
using Xunit.Sdk;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// The meter every zero-allocation test relies on: it can fail, it looks where the runtime keeps its cast cache, and
/// it lets dropped collectible contexts be freed (which flushes that cache) before its window opens.
/// </summary>
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
    public void Start_lets_dropped_collectible_contexts_be_freed_before_the_window_opens()
    {
        // Freeing a collectible context flushes the runtime's cast cache (AllocationMeter's remarks), so Start lets
        // the dropped ones go first (UnloadSettling). Without it, these three would still be alive in the window and
        // the collections below would free them there, leaving the cache's empty sentinel. A context still
        // referenced does not hold Start up.
        var kept = new AssemblyLoadContext("kept-" + Guid.NewGuid(), isCollectible: true);
        WeakReference first = LoadAndDrop(), second = LoadAndDrop(), third = LoadAndDrop();
        var meter = AllocationMeter.Start();
        bool anyAlive = first.IsAlive || second.IsAlive || third.IsAlive;
        var table = (int[])AllocationMeter.CastCacheField!.GetValue(null)!;
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var after = (int[])AllocationMeter.CastCacheField.GetValue(null)!;
        AllocationReading reading = meter.Stop();
        Assert.False(anyAlive, "a dropped context was still alive when the window opened");
        Assert.True(reading.Settled);
        // A flush in the window leaves the sentinel (or, after another thread's cast, a new table of the old size);
        // another thread may only have grown it.
        Assert.True(ReferenceEquals(table, after) || after.Length > table.Length, $"the cast cache went from int[{table.Length}] to int[{after.Length}] in the window");
        reading.AssertNone();
        GC.KeepAlive(kept);
    }

    // The documented way to see that an unload finished: a weak reference that tracks resurrection dies with it.
    [MethodImpl(MethodImplOptions.NoInlining)] // nothing of the context may stay referenced from the test's frame
    private static WeakReference LoadAndDrop()
    {
        var context = new AssemblyLoadContext("dropped-" + Guid.NewGuid(), isCollectible: true);
        var assembly = context.LoadFromAssemblyPath(typeof(GruNetwork).Assembly.Location);
        Assert.NotEmpty(assembly.GetTypes());
        return new WeakReference(context, trackResurrection: true);
    }
}
