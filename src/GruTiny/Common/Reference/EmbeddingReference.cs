namespace GruTiny.Model.Reference;

/// <summary>A token embedding (layer 0): the input is the token id, the output its row.</summary>
internal sealed class EmbeddingReference(EmbeddingLayerDescription embedding) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        int token = (int)x[0];
        var row = new double[embedding.Dimension];
        for (int j = 0; j < row.Length; j++) row[j] = embedding.Weight[token * embedding.Dimension + j];
        return row;
    }
}
