using GruTiny;

namespace WordComplete;

/// <summary>
/// Next-character model over 28 tokens (^ start, $ end, a-z), compiled at build time from the model trained by
/// tools/train_words.py: embedding 16 → GRU 96 → dense 28 softmax.
/// </summary>
[GruModel("models/words.gru.json")]
public partial struct WordModel;

/// <summary>The same model with int8 weights (a float32 scale per row; embedding rows too), quantised at build time: <c>--weights int8</c>.</summary>
[GruModel("models/words.gru.json", Weights = GruWeightType.Int8)]
public partial struct WordModelInt8;

/// <summary>The same model with float16 weights: <c>--weights float16</c>.</summary>
[GruModel("models/words.gru.json", Weights = GruWeightType.Float16)]
public partial struct WordModelFloat16;
