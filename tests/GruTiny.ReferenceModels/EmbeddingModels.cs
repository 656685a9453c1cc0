using GruTiny;

namespace GruTiny.ReferenceModels;

/// <summary>Reference case <c>emb_v12_d4_h8_softmax12</c> (token model): Embedding(12, 4) -&gt; gru 8 -&gt; dense 12 softmax (next-token classifier).</summary>
[GruModel("Models/embedding/emb_v12_d4_h8_softmax12.gru.json")]
public partial struct EmbV12D4H8Softmax12 : IRunFinal;

/// <summary>Reference case <c>emb_v30_d7_h16x2_linear5</c> (token model): Embedding(30, 7) -&gt; nn.GRU(num_layers=2) 16+16 -&gt; dense 5 linear (no activation module).</summary>
[GruModel("Models/embedding/emb_v30_d7_h16x2_linear5.gru.json")]
public partial class EmbV30D7H16x2Linear5 : IRunFinal;

/// <summary>Reference case <c>emb_v5_d1_h3</c> (token model): Embedding(5, 1) -&gt; gru 3, no dense layer: the output is the hidden state.</summary>
[GruModel("Models/embedding/emb_v5_d1_h3.gru.json")]
public partial record struct EmbV5D1H3 : IRunFinal;
