using System;

namespace GruTiny.Model.Reference;

/// <summary>The error function in float64, for the reference's exact GELU: .NET has none.</summary>
internal static class Erf
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>erf x within a few ulp (tests compare it with tabulated values and Python's math.erf).</summary>
    /// <remarks>
    /// erf x = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): every term has the sign of x, so the sum never
    /// cancels, unlike the Taylor series of erf itself. Beyond |x| = 6, erf x is ±1 in float64 (1 − erf 6 ≈ 2e-17).
    /// </remarks>
    public static double Of(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x >= 6) return 1;
        if (x <= -6) return -1;
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum)) break;
        }

        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }
}
