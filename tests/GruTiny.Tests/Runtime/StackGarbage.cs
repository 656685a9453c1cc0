using System;
using System.Runtime.CompilerServices;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Fills the stack below the caller's frame with NaN. A generated method marked <c>[SkipLocalsInit]</c> (the reference
/// models' project allows unsafe code, so theirs are) and called next from the same frame gets its work buffer from
/// that memory: a kernel that read a float of the buffer before writing it would then turn the outputs into NaN.
/// The method must have run once already: a first call compiles it on this thread's stack, over the NaN.
/// </summary>
internal static class StackGarbage
{
    /// <summary>Floats filled: more than the largest work buffer a generated method stackallocs (WorkLayout.MaxStackFloats, 7 K).</summary>
    public const int Floats = 16 * 1024;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float Poison()
    {
        Span<float> junk = stackalloc float[Floats];
        junk.Fill(float.NaN);
        return junk[Floats - 1]; // read back: the fill cannot be dropped
    }
}
