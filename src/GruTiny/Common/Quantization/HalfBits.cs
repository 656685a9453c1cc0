namespace GruTiny.Model;

/// <summary>
/// IEEE 754 binary16 conversions for the code the library and the generator share: netstandard2.0 (the generator)
/// has no <c>System.Half</c>. Tested against <c>System.Half</c> for every half and for float bit patterns around
/// every rounding boundary (<c>QuantizationTests</c>).
/// </summary>
internal static class HalfBits
{
    /// <summary>The largest finite half, 65504.</summary>
    public const float MaxValue = 65504f;

    /// <summary>
    /// The half nearest <paramref name="value"/>, ties to even; beyond the finite range, infinity (0x7C00 | sign);
    /// NaN stays a (quiet) NaN.
    /// </summary>
    public static ushort FromSingle(float value)
    {
        uint bits = unchecked((uint)FloatBits.ToInt32(value));
        uint sign = (bits >> 16) & 0x8000u;
        uint exponent = (bits >> 23) & 0xFFu;
        uint mantissa = bits & 0x7FFFFFu;
        if (exponent == 0xFF) return (ushort)(sign | 0x7C00u | (mantissa != 0 ? 0x200u : 0u));

        int e = (int)exponent - 127 + 15;  // the half's biased exponent
        if (e >= 31) return (ushort)(sign | 0x7C00u);
        if (e <= 0)
        {
            // A subnormal half (or zero): the value is m · 2^-24 with m = the significand shifted right by 14 − e.
            if (e < -10) return (ushort)sign;  // below half the smallest subnormal: rounds to zero
            uint significand = mantissa | 0x800000u;
            int shift = 14 - e;
            uint half = significand >> shift;
            uint rest = significand & ((1u << shift) - 1);
            uint midpoint = 1u << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1u) != 0)) half++;
            return (ushort)(sign | half);
        }

        uint result = ((uint)e << 10) | (mantissa >> 13);
        uint remainder = mantissa & 0x1FFFu;
        if (remainder > 0x1000u || (remainder == 0x1000u && (result & 1u) != 0)) result++; // may carry into the exponent, up to infinity
        return (ushort)(sign | result);
    }

    /// <summary>The float a half's bits hold (exactly: every half is a float).</summary>
    public static float ToSingle(ushort half)
    {
        uint sign = (uint)(half & 0x8000) << 16;
        uint exponent = (uint)(half >> 10) & 0x1Fu;
        uint mantissa = half & 0x3FFu;
        if (exponent == 0x1F) return FloatBits.FromUInt32(sign | 0x7F800000u | (mantissa << 13));
        if (exponent == 0)
        {
            if (mantissa == 0) return FloatBits.FromUInt32(sign);
            // m · 2^-24, normal as a float.
            float magnitude = mantissa * (1f / 16777216f);
            return sign != 0 ? -magnitude : magnitude;
        }

        return FloatBits.FromUInt32(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    }
}
