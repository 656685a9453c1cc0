using System;
using System.Reflection;
using System.Runtime;
using Xunit;

namespace GruTiny.Tests;

/// <summary>
/// Counts the bytes this thread allocates between <see cref="Start"/> and <see cref="Stop"/>, tells apart the one
/// allocation the runtime itself can charge to any thread, and records what else happened on this thread in the
/// window (methods the JIT compiled here, garbage collections), so that a failed assertion says where to look.
/// </summary>
/// <remarks>
/// The runtime's cast cache (<c>System.Runtime.CompilerServices.CastHelpers.s_table</c>, an <c>int[]</c> shared by
/// the whole process) is replaced by a larger array when it fills up, by whichever thread adds the entry that needs
/// the room, and the new array is that thread's allocation. Entries are added by the JIT while it compiles (on the
/// test thread when a method is first called, on the background thread for tier-1 code), so which thread pays for a
/// growth depends on timing. Measured with a program making the calls of the interpreter's allocation test on x64
/// with the machine loaded: in about a third of the runs the window held exactly one new object, a 6,192-byte <c>int[]</c> that was the new
/// <c>CastHelpers.s_table</c> (257 entries of 24 bytes); with tiered compilation off, or tier-1 compilation
/// delayed past the test (<c>DOTNET_TC_CallCountingDelayMs=10000</c>), 0 bytes in every run; with ReadyToRun
/// code off (more tier-1 compilation), the growth in every run. The 24,624 bytes once reported by the Debug-build
/// test (not reproduced since) are exactly the size of the same table with 1,025 entries. A growth of that table in the window is therefore
/// reported as the runtime's, and only when the bytes counted are exactly the new table's size: anything else the
/// thread allocated still fails the assertion.
/// <para>The same table is also thrown away: the runtime replaces it with an empty two-entry sentinel whenever it
/// frees a collectible assembly load context, and the next thread to add an entry allocates a new table (of the
/// size the old one had) and may grow it again. The generator tests load their compiled output into collectible
/// contexts and drop them; each is freed at some later garbage collection, on the finalizer thread, possibly while
/// another test's window is open. A window then holds one or more whole tables of the test thread's, and when the
/// table at <see cref="Stop"/> is not the one it allocated (a second flush, or a growth by another thread), nothing
/// can tell them from the test's own bytes: this is what made <c>Step_and_Run_allocate_nothing_after_loading</c> fail
/// once in a few CI runs with 432 bytes (a 16-entry table: 17 × 24 + 24) and one method compiled. Reproduced with a
/// program that drops collectible contexts and counts casts between garbage collections: 60 windows of 4,000 held
/// one to nineteen 3,120-byte tables the attribution could not account for. <see cref="Start"/> therefore first lets
/// the dropped contexts be freed (<see cref="UnloadSettling"/>); with that, the same program counted 0 bytes in every
/// window.</para>
/// </remarks>
internal readonly struct AllocationMeter
{
    internal static readonly FieldInfo? CastCacheField =
        typeof(object).Assembly.GetType("System.Runtime.CompilerServices.CastHelpers")?.GetField("s_table", BindingFlags.Static | BindingFlags.NonPublic);

    private readonly long _bytes;
    private readonly long _jitted;
    private readonly int _collections;
    private readonly object? _castCache;
    private readonly bool _settled;

    private AllocationMeter(long bytes, long jitted, int collections, object? castCache, bool settled) =>
        (_bytes, _jitted, _collections, _castCache, _settled) = (bytes, jitted, collections, castCache, settled);

    public static AllocationMeter Start()
    {
        bool settled = UnloadSettling.Settle();
        object? castCache = CastCacheField?.GetValue(null);
        long jitted = JitInfo.GetCompiledMethodCount(currentThread: true);
        int collections = GC.CollectionCount(0);
        return new AllocationMeter(GC.GetAllocatedBytesForCurrentThread(), jitted, collections, castCache, settled);
    }

    public AllocationReading Stop()
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread() - _bytes;
        long jitted = JitInfo.GetCompiledMethodCount(currentThread: true) - _jitted;
        int collections = GC.CollectionCount(0) - _collections;
        long castCacheBytes = 0;
        if (bytes > 0 && CastCacheField?.GetValue(null) is int[] table && !ReferenceEquals(table, _castCache) && bytes == ArrayBytes(table))
            castCacheBytes = bytes;
        return new AllocationReading(bytes, castCacheBytes, jitted, collections, _settled);
    }

    // An int[] on a 64-bit runtime: object header, method table and length (padded to 8), then the elements,
    // rounded up to 8 bytes.
    private static long ArrayBytes(int[] array) => (24 + 4L * array.Length + 7) & ~7L;
}

/// <summary>What an <see cref="AllocationMeter"/> saw. <see cref="OwnBytes"/> is what the assertions check.</summary>
internal readonly record struct AllocationReading(long Bytes, long CastCacheBytes, long MethodsJitted, int Collections, bool Settled)
{
    public long OwnBytes => Bytes - CastCacheBytes;

    public void AssertNone()
    {
        // GRUTINY_ALLOCATION_LOG=file appends every window that counted any bytes, attributed or not: how the
        // cast-cache attribution was checked under load and under emulation (tools/arm64/emulated.sh).
        if (Bytes != 0 && Environment.GetEnvironmentVariable("GRUTINY_ALLOCATION_LOG") is { Length: > 0 } log)
            System.IO.File.AppendAllText(log, $"{Environment.ProcessId}: {this}{Environment.NewLine}");
        Assert.True(OwnBytes == 0, ToString());
    }

    public override string ToString() =>
        $"{OwnBytes} bytes allocated on this thread" +
        (CastCacheBytes > 0 ? $" (besides {CastCacheBytes} bytes of the runtime's cast cache growing)" : "") +
        $"; in the window {MethodsJitted} methods were JIT-compiled on this thread and {Collections} gen0 collections ran" +
        (Settled ? "" : $"; collectible load contexts were still being freed when it opened ({nameof(UnloadSettling)}), so a flushed cast cache may be among the bytes");
}
