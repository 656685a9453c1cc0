using GruTiny;

namespace WordComplete;

/// <summary>
/// Next-character model over 28 tokens (^ start, $ end, a-z), compiled at build time from the model trained by
/// tools/train_words.py: embedding 16 → GRU 96 → dense 28 softmax.
/// </summary>
[GruModel("models/words.gru.json")]
public partial struct WordModel;
