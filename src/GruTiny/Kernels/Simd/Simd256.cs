using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace GruTiny.Kernels.Simd;

/// <summary><see cref="ISimd{TVector}"/> over <see cref="Vector256{T}"/>: x64 with AVX2, where 256-bit vectors are hardware-accelerated.</summary>
internal readonly struct Simd256 : ISimd<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    // vpmovsxbd ymm + vcvtdq2ps over the eight bytes, read as one long: nothing past the column is touched.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadInt8(ref byte source)
    {
        if (!Avx2.IsSupported) return Vector256.Create(Simd128.LoadInt8(ref source), Simd128.LoadInt8(ref Unsafe.Add(ref source, 4)));
        Vector128<sbyte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref source)).AsSByte();
        return Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(bytes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadHalf(ref byte source)
    {
        if (!Avx2.IsSupported) return Vector256.Create(Simd128.LoadHalf(ref source), Simd128.LoadHalf(ref Unsafe.Add(ref source, 8)));
        return HalfMath.ToSingle(Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref source).AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Create(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    // Without FMA the estimate is a multiply and an add anyway; spelling them out matters for Native AOT at the
    // default x64 instruction set, whose compiler otherwise sent every intermediate through a stack slot.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector256.MultiplyAddEstimate(a, b, c) : a * b + c;

    // maxps/minps return their second operand when either is NaN, so x goes second (see Simd128.Clamp).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> x, Vector256<float> low, Vector256<float> high) =>
        Avx.IsSupported ? Avx.Min(high, Avx.Max(low, x)) : Vector256.Min(Vector256.Max(x, low), high);

    // The native conversion: n is a whole number in range, so it needs none of the saturating fix-ups.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2(Vector256<float> n) =>
        ((Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23).AsSingle();
}
