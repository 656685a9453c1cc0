using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GruTiny.Kernels.Simd;
using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>
/// Weights of a layer's weight type read as floats: the one place the kernels turn int8 and float16 columns into
/// float32 (KernelLayout: a quantised block's columns follow its float32 header). The type passed is always a
/// layer type's constant <c>WeightType</c>, so after inlining only one branch is left, and for float32 it is the plain
/// load the kernels always had.
/// </summary>
internal static class WeightLoads
{
    /// <summary><c>TSimd.Count</c> weights from weight index <paramref name="weight"/> (a multiple of 4) of a column run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Vector<TSimd, TVector>(GruWeightType type, ref float columns, int weight)
        where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        if (type == GruWeightType.Float32) return TSimd.Load(ref columns, (nuint)weight);
        if (type == GruWeightType.Int8) return TSimd.LoadInt8(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref columns, weight / 4)));
        return TSimd.LoadHalf(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref columns, weight / 2)));
    }

    /// <summary>Weight <paramref name="index"/> of a column run (the scalar paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(GruWeightType type, ref float columns, int index)
    {
        if (type == GruWeightType.Float32) return Unsafe.Add(ref columns, index);
        if (type == GruWeightType.Int8) return (sbyte)Unsafe.Add(ref Unsafe.As<float, byte>(ref columns), index);
        return HalfBits.ToSingle(Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref Unsafe.As<float, byte>(ref columns), 2 * index)));
    }
}
