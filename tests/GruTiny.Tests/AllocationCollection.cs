using Xunit;

namespace GruTiny.Tests;

/// <summary>
/// Tests that count bytes with <c>GC.GetAllocatedBytesForCurrentThread</c> run alone, never beside the tests that
/// allocate heavily (the fuzz test, large models): a garbage collection triggered by another thread while a
/// measured loop runs can make the current thread's count move (seen as a few KB at random, once the heavy
/// tests existed), which would hide a real allocation or report one that is not there. Nor beside the tests that drop
/// collectible load contexts: freeing one flushes the runtime's cast cache (<see cref="UnloadSettling"/>). Every test
/// that uses <see cref="AllocationMeter"/> belongs here.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation-counting tests (run alone)";
}
