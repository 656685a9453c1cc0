using System.Runtime.InteropServices;

namespace GruTiny.Model;

/// <summary>
/// A float's IEEE 754 bits and back, for the code the library and the generator share: netstandard2.0 (the
/// generator) has no <c>BitConverter.SingleToInt32Bits</c>. Integer and float share the machine's byte order,
/// so the overlay is exact everywhere.
/// </summary>
internal static class FloatBits
{
    public static int ToInt32(float value) => new Overlay { Float = value }.Int;

    public static float FromUInt32(uint bits) => new Overlay { Int = unchecked((int)bits) }.Float;

    [StructLayout(LayoutKind.Explicit)]
    private struct Overlay
    {
        [FieldOffset(0)] public float Float;
        [FieldOffset(0)] public int Int;
    }
}
