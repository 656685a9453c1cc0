namespace GruTiny.Kernels;

/// <summary>One step of an <c>arithmetic</c> layer: the step's value x combined with a constant c.</summary>
/// <remarks>Public in the library (generated code names its members), internal in the generator.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
#if GRUTINY_GENERATOR
internal
#else
public
#endif
enum ArithmeticOperator
{
    /// <summary>x + c.</summary>
    Add = 0,

    /// <summary>x − c.</summary>
    Subtract = 1,

    /// <summary>c − x.</summary>
    SubtractFrom = 2,

    /// <summary>x · c.</summary>
    Multiply = 3,

    /// <summary>x / c.</summary>
    Divide = 4,
}
