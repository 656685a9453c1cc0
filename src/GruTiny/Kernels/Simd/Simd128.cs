using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace GruTiny.Kernels.Simd;

/// <summary><see cref="ISimd{TVector}"/> over <see cref="Vector128{T}"/>: the portable path (ARM64 NEON, x64 SSE and AVX).</summary>
internal readonly struct Simd128 : ISimd<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    // x64: pmovsxbd + cvtdq2ps; ARM64 (and elsewhere): two sign extensions (sxtl) + scvtf. Four bytes, read as one
    // int: nothing past the column is touched.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadInt8(ref byte source)
    {
        Vector128<sbyte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref source)).AsSByte();
        Vector128<int> ints = Sse41.IsSupported ? Sse41.ConvertToVector128Int32(bytes) : Vector128.WidenLower(Vector128.WidenLower(bytes));
        return Vector128.ConvertToSingle(ints);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadHalf(ref byte source)
    {
        Vector128<short> halves = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref source)).AsInt16();
        return HalfMath.ToSingle(Sse41.IsSupported ? Sse41.ConvertToVector128Int32(halves) : Vector128.WidenLower(halves));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Create(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    // Without FMA the estimate is a multiply and an add anyway; spelling them out matters for Native AOT at the
    // default x64 instruction set, whose compiler otherwise sent every intermediate through a stack slot.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector128.MultiplyAddEstimate(a, b, c) : a * b + c;

    // x64: maxps/minps return their second operand when either is NaN, so x goes second. Vector128.Min/Max
    // would add fix-ups for IEEE 754-2019 semantics (NaN and −0) that cost three instructions each and lengthen
    // the gates' dependency chain. ARM64's FMAX/FMIN already propagate NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Clamp(Vector128<float> x, Vector128<float> low, Vector128<float> high) =>
        Sse.IsSupported ? Sse.Min(high, Sse.Max(low, x)) : Vector128.Min(Vector128.Max(x, low), high);

    // The native conversion: n is a whole number in range, so it needs none of the saturating fix-ups.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2(Vector128<float> n) =>
        ((Vector128.ConvertToInt32Native(n) + Vector128.Create(127)) << 23).AsSingle();
}
