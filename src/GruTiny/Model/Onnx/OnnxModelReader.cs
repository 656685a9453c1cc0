namespace GruTiny.Model.Onnx;

/// <summary>
/// Reads an ONNX model file into the same <see cref="ModelDescription"/> a grutiny/1 description gives,
/// or says why it cannot (an ID from <see cref="ModelDiagnosticIds"/> and a message naming the node, its
/// operator and the attribute or input at fault).
/// </summary>
internal static class OnnxModelReader
{
    /// <summary>Reads a model, or says why it cannot.</summary>
    /// <param name="bytes">The whole .onnx file.</param>
    /// <param name="maxParameters">The largest parameter count accepted; also caps every tensor read.</param>
    /// <param name="error">Why the file was rejected, when it was.</param>
    public static ModelDescription? TryRead(byte[] bytes, long maxParameters, out ModelFormatError? error)
    {
        try
        {
            error = null;
            OnnxModel model = OnnxParser.Parse(bytes, maxParameters);
            return OnnxGraphCompiler.Compile(model, maxParameters);
        }
        catch (ModelFormatErrorException e)
        {
            error = e.Error;
            return null;
        }
    }

    /// <summary>Whether a path names an ONNX file (by its extension, as users name them).</summary>
    public static bool IsOnnxPath(string path) =>
        path.EndsWith(".onnx", System.StringComparison.OrdinalIgnoreCase);
}
