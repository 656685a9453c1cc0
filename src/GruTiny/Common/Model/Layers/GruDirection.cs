namespace GruTiny.Model;

/// <summary>Which way a GRU layer runs over the sequence (ONNX's <c>direction</c>).</summary>
internal enum GruDirection
{
    /// <summary>From the first step to the last: the only direction that can run step by step.</summary>
    Forward,

    /// <summary>From the last step to the first; output t is the state after steps T−1 down to t.</summary>
    Reverse,

    /// <summary>Both, each with its own weights; output t is [forward output t, reverse output t] (PyTorch's <c>bidirectional=True</c>).</summary>
    Bidirectional,
}
