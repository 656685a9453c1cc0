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
    public static ModelDescription? TryRead(byte[] bytes, long maxParameters, out ModelFormatError? error) =>
        TryRead(bytes, maxParameters, out _, out error);

    /// <summary>Reads a model and its self-check data (metadata entry <c>grutiny.self_check</c>; null when absent).</summary>
    public static ModelDescription? TryRead(byte[] bytes, long maxParameters, out SelfCheck? selfCheck, out ModelFormatError? error)
    {
        selfCheck = null;
        try
        {
            error = null;
            OnnxModel onnx = OnnxParser.Parse(bytes, maxParameters);
            ModelDescription model = OnnxGraphCompiler.Compile(onnx, maxParameters);
            if (onnx.Metadata.TryGetValue(SelfCheck.OnnxMetadataKey, out string? json))
                selfCheck = ReadSelfCheck(json, model);
            return model;
        }
        catch (ModelFormatErrorException e)
        {
            error = e.Error;
            selfCheck = null;
            return null;
        }
    }

    // Positions inside the metadata text are not positions in the file: they go into the message.
    private static SelfCheck ReadSelfCheck(string json, ModelDescription model)
    {
        try
        {
            return SelfCheck.Read(ModelDescriptionReader.ParseJson(json), model);
        }
        catch (ModelFormatErrorException e)
        {
            string id = e.Error.Id == ModelDiagnosticIds.InvalidJson ? ModelDiagnosticIds.SelfCheckMalformed : e.Error.Id;
            throw new ModelFormatErrorException(new ModelFormatError(id,
                $"metadata '{SelfCheck.OnnxMetadataKey}' (line {e.Error.Line}, column {e.Error.Column} of its JSON): {e.Error.Message}", 0, 0));
        }
    }

    /// <summary>Whether a path names an ONNX file (by its extension, as users name them).</summary>
    public static bool IsOnnxPath(string path) =>
        path.EndsWith(".onnx", System.StringComparison.OrdinalIgnoreCase);
}
