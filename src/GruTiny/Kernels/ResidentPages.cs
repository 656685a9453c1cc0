using System;
using System.Runtime.InteropServices;

namespace GruTiny.Kernels;

/// <summary>
/// Tells the kernel how the weight literals are used: read once, front to back, by <see cref="AlignedWeights"/>
/// to make its aligned copy, and never again. Their pages may then leave resident memory.
/// </summary>
/// <remarks>
/// <para>Why: a Native AOT program keeps its string literals in its binary's data segment, pages mapped from the
/// file (with <c>IlcDehydrate</c> false, which build/GruTiny.props sets). Reading a literal to copy it makes its
/// pages resident, and they stay resident beside the copy: the weights twice (8 bytes a parameter).</para>
/// <para>How, with two <c>madvise</c> hints that never change what the memory reads:</para>
/// <list type="bullet">
/// <item><c>MADV_RANDOM</c> before the read: no read-ahead, so reading one chunk does not bring the pages of
/// chunks already released back into the page cache, from where the next fault would map them again (without
/// it about 0.5 bytes a parameter stayed resident; bench/memory.sh).</item>
/// <item><c>MADV_PAGEOUT</c> (Linux 5.4) after the copy: clean file-backed pages are dropped and read from the
/// file again if anything touches them; anonymous or written pages (the JIT's frozen heap, a dehydrated image
/// that the runtime rebuilt at start-up) go to swap if there is any and otherwise stay. It may therefore cover
/// the whole pages around a literal, a neighbour's bytes included. <c>MADV_DONTNEED</c> is not used: it would
/// replace anonymous pages with zeros.</item>
/// </list>
/// <para>A kernel that does not know an advice refuses it (EINVAL) and nothing changes, which is all a refusal
/// can mean here, so results are not checked. Elsewhere than Linux nothing is done. <c>madvise</c> is looked up
/// once in the process's own symbols rather than bound with <c>DllImport</c>: binding a library by name may
/// call managed resolvers, which allocate, on a model's first step.</para>
/// </remarks>
internal static unsafe class ResidentPages
{
    private const int MadvRandom = 1;
    private const int MadvPageout = 21;

    // 0: not looked up yet; -1: not available; otherwise the address of madvise.
    private static nint s_madvise;

    /// <summary>Before <paramref name="data"/> is read for the only time: no read-ahead around it.</summary>
    public static void BeforeReadingOnce(ReadOnlySpan<float> data) => Advise(data, MadvRandom);

    /// <summary>After <paramref name="data"/> has been copied: its pages may leave resident memory.</summary>
    public static void Release(ReadOnlySpan<float> data) => Advise(data, MadvPageout);

    private static void Advise(ReadOnlySpan<float> data, int advice)
    {
        if (data.IsEmpty || !OperatingSystem.IsLinux()) return;
        nint madvise = s_madvise;
        if (madvise == 0) s_madvise = madvise = Lookup();
        if (madvise == -1) return;

        nuint page = (nuint)Environment.SystemPageSize;
        fixed (float* start = data)
        {
            nuint first = (nuint)start & ~(page - 1);
            nuint end = ((nuint)(start + data.Length) + page - 1) & ~(page - 1);
            ((delegate* unmanaged<void*, nuint, int, int>)madvise)((void*)first, end - first, advice);
        }
    }

    private static nint Lookup() =>
        NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "madvise", out nint address) ? address : -1;
}
