using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace GruTiny.Tests;

/// <summary>
/// Lets the collectible load contexts that tests dropped be freed before an <see cref="AllocationMeter"/> window opens:
/// freeing one flushes the runtime's cast cache, and the next cast re-creates the table on whichever thread makes it
/// (the meter's remarks). Collects garbage and runs finalizers until two rounds in a row change neither the number of
/// live collectible contexts nor the cast cache's table, and leaves the cache with a real table after each round, so
/// that the window's first cast does not allocate one. Contexts that stay referenced do not hold it up.
/// </summary>
/// <remarks>
/// Two quiet rounds is a rule of thumb, not a proof: what it can see is a context becoming unreachable (the count)
/// and the flush at the end (the table), not the steps between them (the context's finalizer starts the unload, the
/// loader allocator's own finalizer, which may re-register itself, frees it at a later collection). A dropped context
/// took two or three rounds to be freed in the program that reproduced the flush; with this rule no window of its
/// 4,000 held a table, with a context kept alive throughout. A round is a blocking collection of every generation, a
/// few milliseconds to tens with the generator tests' garbage. The tests that meter run alone
/// (<see cref="AllocationCollection"/>), so no other test drops contexts meanwhile; if the rounds run out, the reading
/// says so instead of failing here.
/// </remarks>
internal static class UnloadSettling
{
    private const int MaxRounds = 30;

    /// <summary>Returns false if contexts were still being freed after <see cref="MaxRounds"/> rounds.</summary>
    public static bool Settle()
    {
        PrimeCastCache();
        int quiet = 0;
        for (int round = 1; round <= MaxRounds; round++)
        {
            object? table = AllocationMeter.CastCacheField?.GetValue(null);
            int contexts = CollectibleContexts();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            PrimeCastCache();
            quiet = contexts == CollectibleContexts() && ReferenceEquals(table, AllocationMeter.CastCacheField?.GetValue(null)) ? quiet + 1 : 0;
            if (quiet == 2) return true;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the contexts enumerated must not stay referenced from a caller's frame
    private static int CollectibleContexts()
    {
        int count = 0;
        foreach (AssemblyLoadContext context in AssemblyLoadContext.All)
            if (context.IsCollectible) count++;
        return count;
    }

    // A cast the runtime answers through the cast cache (an array type against a variant interface), with types the
    // JIT cannot see through (it folds typeof(A).IsAssignableTo(typeof(B))): after a flush, the first such lookup puts
    // a real table in place of the sentinel. In a probe, this did, as did Type.IsInstanceOfType and Array.Copy from
    // string[] to object[]; `is` tests of arrays against variant interfaces left the sentinel in place.
    private static Type s_castSource = typeof(string[]), s_castTarget = typeof(IReadOnlyList<object>);
    private static bool s_castAnswer;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PrimeCastCache() => s_castAnswer = s_castSource.IsAssignableTo(s_castTarget);
}
