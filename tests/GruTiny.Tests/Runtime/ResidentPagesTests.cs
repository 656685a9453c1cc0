using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GruTiny.Kernels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// The release of copied weight literals (MADV_PAGEOUT): it takes file-backed pages out of resident memory and
/// never changes what the memory reads.
/// </summary>
[Collection(AllocationCollection.Name)] // one test meters allocation
public sealed class ResidentPagesTests
{
    private const int Floats = 1 << 20; // 4 MiB

    [Fact]
    public void File_backed_pages_leave_resident_memory_and_read_the_same_afterwards()
    {
        if (!OperatingSystem.IsLinux()) return; // the release is Linux-only; elsewhere it does nothing

        // Beside the tests, on the disk the repository is on: a tmpfs /tmp holds no file pages to drop.
        string path = Path.Combine(AppContext.BaseDirectory, $"grutiny-pages-{Guid.NewGuid():N}.bin");
        float[] expected = Enumerable.Range(0, Floats).Select(i => MathF.Sin(i)).ToArray();
        try
        {
            using (var file = new FileStream(path, FileMode.CreateNew))
            {
                file.Write(MemoryMarshal.AsBytes(expected.AsSpan()));
                file.Flush(flushToDisk: true); // dirty page-cache pages cannot be dropped, only written back
            }

            using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = mapped.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            bool added = false;
            view.SafeMemoryMappedViewHandle.DangerousAddRef(ref added);
            try
            {
                nint address = view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)view.PointerOffset;
                ReadOnlySpan<float> data = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<float>(), address), Floats);
                Assert.True(data.SequenceEqual(expected)); // every page resident now
                long before = ResidentKilobytes(path);

                ResidentPages.PageOut(data);
                long after = ResidentKilobytes(path);

                // The kernel may keep a few pages it cannot take at that moment (per-CPU batches); most must go.
                Assert.True(before >= 3 * 1024, $"{before} KB resident before the release");
                Assert.True(after <= before / 4, $"{after} of {before} KB still resident after the release");
                Assert.True(data.SequenceEqual(expected)); // read back from the file
            }
            finally
            {
                if (added) view.SafeMemoryMappedViewHandle.DangerousRelease();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Anonymous_memory_reads_the_same_after_the_release()
    {
        // The JIT's frozen heap and a dehydrated AOT image are anonymous: MADV_PAGEOUT may swap them out, never
        // drop them (MADV_DONTNEED would read zeros here).
        float[] values = GC.AllocateArray<float>(Floats, pinned: true);
        for (int i = 0; i < values.Length; i++) values[i] = i * 0.5f + 1;
        ResidentPages.PageOut(values);
        for (int i = 0; i < values.Length; i++) Assert.Equal(i * 0.5f + 1, values[i]);
    }

    [Fact]
    public void Looking_up_madvise_and_the_switch_allocates_nothing()
    {
        // Both are looked up once per process, on a model's first step: whichever test gets there first would
        // otherwise be the only one to see it.
        float[] values = GC.AllocateArray<float>(4096, pinned: true);
        ResidentPages.PageOut(values); // JIT-compile the path
        _ = ResidentPages.Drops("");
        foreach (string name in new[] { "s_madvise", "s_filePages" })
        {
            FieldInfo field = typeof(ResidentPages).GetField(name, BindingFlags.NonPublic | BindingFlags.Static)!;
            field.SetValue(null, field.FieldType == typeof(nint) ? (object)(nint)0 : 0);
        }

        var meter = AllocationMeter.Start();
        ResidentPages.PageOut(values);
        Assert.False(ResidentPages.Drops("")); // a JIT process: the switch goes to ILC alone
        meter.Stop().AssertNone();
    }

    [Fact]
    public void An_empty_span_is_nothing_to_release() => ResidentPages.PageOut(ReadOnlySpan<float>.Empty);

    // Rss of the mappings of one file, from /proc/self/smaps.
    private static long ResidentKilobytes(string path)
    {
        long total = 0;
        bool inFile = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-'))
                inFile = line.EndsWith(Path.GetFileName(path), StringComparison.Ordinal); // a unique name; smaps shows the path with links resolved
            else if (inFile && line.StartsWith("Rss:", StringComparison.Ordinal))
                total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }

        return total;
    }
}
