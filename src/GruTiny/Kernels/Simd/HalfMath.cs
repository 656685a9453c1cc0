using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GruTiny.Kernels.Simd;

/// <summary>
/// float16 → float32 for the kernels' weight loads. .NET has no hardware conversion to call (no F16C or FCVTL
/// intrinsics), so: a half h, sign-extended to 32 bits, shifted left by 13 puts its exponent and mantissa where a
/// float's go; the mask keeps the sign (bit 31) and clears the three copies of it that the shift left in bits 28–30;
/// multiplying by 2^112 moves the exponent from the half's bias (15) to the float's (127). Exact for every finite
/// half: a normal one is a power-of-two scaling of a normal float, a subnormal one (exponent 0) is a float
/// subnormal scaled into the normal range, and ±0 stays ±0. Infinities and NaN never occur (the quantiser refuses
/// weights of magnitude 65520 or more, which round past the largest half). Three operations besides the widening load, the same on x64 and ARM64.
/// </summary>
internal static class HalfMath
{
    private const float TwoTo112 = 5.192296858534828E+33f; // 2^112, exactly

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ToSingle(Vector128<int> signExtended) =>
        ((signExtended << 13) & Vector128.Create(unchecked((int)0x8FFFFFFF))).AsSingle() * Vector128.Create(TwoTo112);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingle(Vector256<int> signExtended) =>
        ((signExtended << 13) & Vector256.Create(unchecked((int)0x8FFFFFFF))).AsSingle() * Vector256.Create(TwoTo112);
}
