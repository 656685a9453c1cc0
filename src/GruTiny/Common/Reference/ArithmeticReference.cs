using System;
using GruTiny.Kernels;

namespace GruTiny.Model.Reference;

/// <summary>An arithmetic layer's steps in float64, in order.</summary>
internal sealed class ArithmeticReference(ArithmeticLayerDescription layer) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        double[] y = (double[])x.Clone();
        foreach (ArithmeticStep step in layer.Steps)
        {
            for (int j = 0; j < y.Length; j++)
            {
                double c = step.At(j);
                y[j] = step.Operator switch
                {
                    ArithmeticOperator.Add => y[j] + c,
                    ArithmeticOperator.Subtract => y[j] - c,
                    ArithmeticOperator.SubtractFrom => c - y[j],
                    ArithmeticOperator.Multiply => y[j] * c,
                    ArithmeticOperator.Divide => y[j] / c,
                    _ => throw new InvalidOperationException($"The float64 reference has no arithmetic operator {step.Operator}."),
                };
            }
        }

        return y;
    }
}
