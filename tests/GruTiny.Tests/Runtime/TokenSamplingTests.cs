using System;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>The allocation-free helpers for choosing tokens.</summary>
[Collection(AllocationCollection.Name)]
public sealed class TokenSamplingTests
{
    [Fact]
    public void ArgMax_takes_the_first_largest_and_ignores_NaN()
    {
        Assert.Equal(2, TokenSampling.ArgMax([0.1f, 0.3f, 0.5f, 0.5f]));
        Assert.Equal(1, TokenSampling.ArgMax([float.NaN, -1f, -2f]));
        Assert.Throws<ArgumentException>(() => TokenSampling.ArgMax([]));
    }

    [Fact]
    public void TopK_orders_largest_first_with_ties_by_index()
    {
        Span<int> top = stackalloc int[3];
        TokenSampling.TopK([0.2f, 0.9f, float.NaN, 0.9f, 0.1f, 0.5f], top);
        Assert.Equal(new[] { 1, 3, 5 }, top.ToArray());
        Span<int> all = stackalloc int[4];
        TokenSampling.TopK([4f, 3f, 2f, 1f], all);
        Assert.Equal(new[] { 0, 1, 2, 3 }, all.ToArray());
        Assert.Throws<ArgumentException>(() => TokenSampling.TopK([1f], new int[2]));
    }

    [Fact]
    public void Sampling_is_deterministic_follows_the_distribution_and_allocates_nothing()
    {
        float[] p = [0.1f, 0.6f, 0.3f, 0f];
        ulong a = 42, b = 42;
        var counts = new int[4];
        int mismatches = 0;
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 20_000; i++)
        {
            int x = TokenSampling.Sample(p, 1f, ref a);
            if (x != TokenSampling.Sample(p, 1f, ref b)) mismatches++;
            counts[x]++;
        }

        meter.Stop().AssertNone();
        Assert.Equal(0, mismatches);
        Assert.Equal(0, counts[3]);
        Assert.InRange(counts[0] / 20_000.0, 0.09, 0.11);
        Assert.InRange(counts[1] / 20_000.0, 0.585, 0.615);
        Assert.InRange(counts[2] / 20_000.0, 0.285, 0.315);

        ulong s = 7;
        Assert.Equal(1, TokenSampling.Sample(p, 0f, ref s));   // temperature 0 is argmax
        int sharp = 0;
        for (int i = 0; i < 1000; i++) sharp += TokenSampling.Sample(p, 0.1f, ref s) == 1 ? 1 : 0;
        Assert.True(sharp > 990, $"{sharp}");                   // a low temperature all but always takes the mode
    }
}
