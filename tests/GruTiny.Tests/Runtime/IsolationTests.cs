using System;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>Instances are independent: a NaN fed to one poisons that instance's state only, and Reset clears it.</summary>
public sealed class IsolationTests
{
    [Fact]
    public void A_NaN_input_propagates_through_that_instance_only()
    {
        var poisoned = new Stacked2In3H32x2Tanh5();
        var healthy = new Stacked2In3H32x2Tanh5();
        var reference = new Stacked2In3H32x2Tanh5();
        float[] x = [0.5f, -0.25f, 1], y = new float[5], z = new float[5], r = new float[5];

        poisoned.Step([float.NaN, 0, 0], y);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
        for (int t = 0; t < 10; t++)
        {
            poisoned.Step(x, y);
            healthy.Step(x, z);
            reference.Step(x, r);
            Assert.All(y, v => Assert.True(float.IsNaN(v)));  // the state stays poisoned
            Assert.Equal(r, z);                                // the other instances never see it
        }

        poisoned.Reset();
        reference.Reset();
        poisoned.Step(x, y);
        reference.Step(x, r);
        Assert.Equal(r, y);
    }
}
