using System.Runtime.Intrinsics;

namespace GruTiny.Kernels.Simd;

/// <summary>
/// The vector operations the kernels use, for one vector type. The kernels and <see cref="VectorMath{TSimd, TVector}"/>
/// are written once against this interface and instantiated with <see cref="Simd128"/> (x64 SSE/AVX and ARM64
/// NEON) or <see cref="Simd256"/> (x64 with AVX2): the implementations are structs whose methods are
/// aggressively inlined, so the JIT compiles each instantiation to the plain instructions.
/// </summary>
/// <remarks>
/// (The runtime's own <c>ISimdVector</c> is not public in .NET 9 or 10.) Only IEEE operations appear here: no
/// reciprocal or rsqrt estimates, whose precision differs between x64 and ARM64.
/// </remarks>
/// <typeparam name="TVector"><see cref="Vector128{T}"/> or <see cref="Vector256{T}"/> of <see cref="float"/>.</typeparam>
internal interface ISimd<TVector> where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> floats at <paramref name="source"/> + <paramref name="offset"/>.</summary>
    static abstract TVector Load(ref float source, nuint offset);

    /// <summary><see cref="Count"/> int8 weights at <paramref name="source"/> (Count bytes, read exactly), as floats.</summary>
    static abstract TVector LoadInt8(ref byte source);

    /// <summary>
    /// <see cref="Count"/> float16 weights at <paramref name="source"/> (2 · Count bytes, read exactly), as floats:
    /// exact for every finite half, subnormals and −0 included (weights are never infinite or NaN).
    /// </summary>
    static abstract TVector LoadHalf(ref byte source);

    /// <summary>Stores <paramref name="value"/> at <paramref name="destination"/> + <paramref name="offset"/>.</summary>
    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Create(float value);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>
    /// a × b + c: fused where the hardware has FMA (x64 with FMA, ARM64), multiply then add elsewhere.
    /// <c>FusedMultiplyAdd</c> would fall back to a ~45× slower software emulation on x64 without FMA (a Native
    /// AOT build without an instruction-set option, for one); the estimate never does.
    /// </summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary><paramref name="x"/> limited to [<paramref name="low"/>, <paramref name="high"/>]; a NaN lane stays NaN.</summary>
    static abstract TVector Clamp(TVector x, TVector low, TVector high);

    /// <summary>2^n for lanes holding whole numbers in [−126, 127] (outside that range the result is unspecified).</summary>
    static abstract TVector Pow2(TVector n);
}
