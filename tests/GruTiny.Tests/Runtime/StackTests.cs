using System;
using System.Threading;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Run keeps its working memory bounded (chunks of steps, at most 32 KiB) whatever T is: 100,000 steps of the
/// largest reference model on a thread with a 256 KiB stack. Stack use growing with T would overflow it.
/// </summary>
public sealed class StackTests
{
    [Fact]
    public void Run_over_a_long_sequence_fits_a_small_thread_stack()
    {
        const int steps = 100_000;
        var inputs = new float[steps * Stacked2In16H128H64Softmax10.InputSize];
        var outputs = new float[steps * Stacked2In16H128H64Softmax10.OutputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = MathF.Sin(i * 0.01f);

        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var model = new Stacked2In16H128H64Softmax10();
                model.Run(inputs, outputs);
                new ChoIn16H64Tanh4().RunFinal(new float[steps / 10 * ChoIn16H64Tanh4.InputSize], new float[ChoIn16H64Tanh4.OutputSize]);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        float sum = 0;
        for (int i = outputs.Length - 10; i < outputs.Length; i++) sum += outputs[i];
        Assert.Equal(1f, sum, 4); // the last step's softmax sums to one
    }
}
