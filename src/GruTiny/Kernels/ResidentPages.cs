using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Threading;

namespace GruTiny.Kernels;

/// <summary>
/// Takes the pages of a weight literal out of resident memory once <see cref="AlignedWeights"/> has made its
/// aligned copy: the literal is never read again.
/// </summary>
/// <remarks>
/// <para>Why: a Native AOT program keeps its string literals in its binary's data segment, pages mapped from the
/// file (with <c>IlcDehydrate</c> false, which build/GruTiny.props sets). Reading a literal to copy it makes its
/// pages resident, and they stay resident beside the copy: the weights twice (8 bytes a parameter).</para>
/// <para>How, with two <c>madvise</c> advices after each copy:</para>
/// <list type="bullet">
/// <item><c>MADV_PAGEOUT</c> (Linux 5.4), over the whole pages around the literal. It never changes what memory
/// reads: clean file-backed pages are dropped from the process and from the page cache, and read from the file
/// again if anything touches them; anonymous or written pages (the JIT's frozen heap, a dehydrated image) go to
/// swap if there is any and otherwise stay. Linux does this for file pages only when the process owns the file
/// or may write it, which a service account running a root-owned binary may not.</item>
/// <item><c>MADV_DONTNEED</c>, which drops pages from the process whoever owns the file, but replaces anonymous
/// or written pages with zeros. It is used only where the pages are known to be unwritten pages of the
/// executable: in a Native AOT program built with <c>IlcDehydrate</c> false (build/GruTiny.targets gives ILC, and
/// ILC alone, a feature switch that says so), for a literal of the image (the GC reports such frozen objects as generation <see cref="int.MaxValue"/>),
/// and only on whole pages of its characters (the page with a string's header is written when the loader
/// relocates its type pointer). The pages stay in the page cache, and the kernel maps cached pages around every
/// page fault (fault-around, 64 KB), so reading one literal can map back pages of a neighbour already dropped:
/// each drop also drops again the ranges dropped before within that reach. And a dropped literal is never read
/// again, so that even a wrong assumption could not make weights read zeros: <see cref="AlignedWeights"/> makes
/// the copies of such literals one at a time, and copies a literal dropped before (the same model compiled into
/// two types shares its literals) from its first copy.</item>
/// </list>
/// <para>Measured with a ~1M-parameter model (bench/memory.sh): peak resident memory 4.4 bytes a parameter as
/// the binary's owner, 4.4–4.5 as another user, against 12.1 before. A kernel that does not know an advice
/// refuses it (EINVAL) and nothing changes, which is all a refusal can mean here, so results are not checked.
/// Elsewhere than Linux nothing is done. <c>madvise</c> is looked up once in the process's own symbols rather
/// than bound with <c>DllImport</c>: binding a library by name may call managed resolvers, which allocate, on a
/// model's first step.</para>
/// </remarks>
internal static unsafe class ResidentPages
{
    private const int MadvDontneed = 4;
    private const int MadvPageout = 21;

    /// <summary>The feature switch build/GruTiny.targets gives ILC: whether a Native AOT binary keeps its literals as file pages.</summary>
    internal const string LiteralsAreFilePagesSwitch = "GruTiny.Kernels.LiteralsAreFilePages";

    // 0: not looked up yet; -1: not available; otherwise the address of madvise.
    private static nint s_madvise;

    // The kernel's fault-around window (fault_around_bytes, 64 KB by default): how far a fault maps cached pages.
    private const int FaultAround = 64 * 1024;

    // Literals dropped so far: (from, to, aligned copy) triples; 4,096 × 64 KB covers 64M parameters. A literal
    // that does not fit the record is not dropped.
    private const int MaxRanges = 4096;
    private static nint* s_ranges;
    private static int s_rangeCount;
    private static int s_lock;

    /// <summary>Whether <paramref name="literal"/>'s pages will be dropped outright once copied (see remarks); copies of such literals go through <see cref="Enter"/>.</summary>
    public static bool Drops(string literal) => LiteralsAreFilePages && GC.GetGeneration(literal) == int.MaxValue;

    /// <summary>
    /// Serialises the copies of literals that <see cref="Drops"/>: nothing may read a literal while or after its
    /// pages are dropped (they would read zeros if the assumption that they are unwritten file pages were ever
    /// wrong), so no two such copies run at once, and a literal dropped before is copied from its earlier copy.
    /// Every chunk copied into a GRU layer's one copy goes through it as well (<see cref="AlignedWeights"/>), so
    /// that no two threads write the same floats.
    /// </summary>
    public static void Enter()
    {
        while (Interlocked.CompareExchange(ref s_lock, 1, 0) != 0) Thread.Yield();
    }

    public static void Exit() => Volatile.Write(ref s_lock, 0);

    /// <summary>Under <see cref="Enter"/>: the aligned copy made of exactly these characters before, or 0.</summary>
    public static nint EarlierCopy(ReadOnlySpan<float> data)
    {
        fixed (float* start = data)
        {
            for (int i = 0; i < s_rangeCount; i++)
                if (s_ranges[3 * i] == (nint)start && s_ranges[3 * i + 1] == (nint)(start + data.Length)) return s_ranges[3 * i + 2];
        }

        return 0;
    }

    /// <summary>After <paramref name="data"/> has been copied: asks for its pages to be reclaimed (never changes what memory reads).</summary>
    public static void PageOut(ReadOnlySpan<float> data) => Advise(data, MadvPageout, wholePagesInside: false);

    /// <summary>
    /// Under <see cref="Enter"/>, after <paramref name="data"/> (a literal that <see cref="Drops"/>) has been copied
    /// to <paramref name="copy"/>: drops the whole pages of its characters from the process, and again those of
    /// earlier literals within fault-around reach. Pages dropped with MADV_DONTNEED stay in the page cache
    /// (unless MADV_PAGEOUT could evict them), and the kernel maps cached pages around every page fault (64 KB):
    /// reading the next literal maps back pages of a neighbour already dropped.
    /// </summary>
    public static void Drop(ReadOnlySpan<float> data, nint copy)
    {
        if (s_ranges == null) s_ranges = (nint*)NativeMemory.Alloc(3 * MaxRanges, (nuint)sizeof(nint));
        if (s_rangeCount == MaxRanges) return; // not recorded, so not dropped: a second slot might read it
        fixed (float* start = data)
        {
            nint from = (nint)start, to = (nint)(start + data.Length);
            Advise(from, to, MadvDontneed, wholePagesInside: true);
            for (int i = 0; i < s_rangeCount; i++)
            {
                nint rangeFrom = s_ranges[3 * i], rangeTo = s_ranges[3 * i + 1];
                if (rangeTo > from - FaultAround && rangeFrom < to + FaultAround) Advise(rangeFrom, rangeTo, MadvDontneed, wholePagesInside: true);
            }

            s_ranges[3 * s_rangeCount] = from;
            s_ranges[3 * s_rangeCount + 1] = to;
            s_ranges[3 * s_rangeCount + 2] = copy;
            s_rangeCount++;
        }
    }

    // A constant in a Native AOT binary: build/GruTiny.targets gives ILC the feature switch, true or false, so the
    // property is replaced by its value and nothing runs on a model's first step (reading an AppContext switch
    // there allocated 5.7 KB on the first call in a program that had not read one before). Elsewhere the switch
    // is read once per process: absent from runtimeconfig.json, so false.
    [FeatureSwitchDefinition(LiteralsAreFilePagesSwitch)]
    private static bool LiteralsAreFilePages => s_filePages != 0 ? s_filePages > 0 : ReadLiteralsAreFilePages();

    // 0: not read yet; 1 or -1: the switch's value.
    private static int s_filePages;

    private static bool ReadLiteralsAreFilePages()
    {
        bool filePages = AppContext.TryGetSwitch(LiteralsAreFilePagesSwitch, out bool enabled) && enabled;
        s_filePages = filePages ? 1 : -1;
        return filePages;
    }

    private static void Advise(ReadOnlySpan<float> data, int advice, bool wholePagesInside)
    {
        if (data.IsEmpty) return;
        fixed (float* start = data) Advise((nint)start, (nint)(start + data.Length), advice, wholePagesInside);
    }

    // The pages around [from, to), or only those wholly inside it.
    private static void Advise(nint from, nint to, int advice, bool wholePagesInside)
    {
        if (!OperatingSystem.IsLinux()) return;
        nint madvise = s_madvise;
        if (madvise == 0) s_madvise = madvise = Lookup();
        if (madvise == -1) return;

        nint page = Environment.SystemPageSize;
        nint first = wholePagesInside ? (from + page - 1) & ~(page - 1) : from & ~(page - 1);
        nint end = wholePagesInside ? to & ~(page - 1) : (to + page - 1) & ~(page - 1);
        if (end > first) ((delegate* unmanaged<void*, nuint, int, int>)madvise)((void*)first, (nuint)(end - first), advice);
    }

    private static nint Lookup() =>
        NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "madvise", out nint address) ? address : -1;
}
