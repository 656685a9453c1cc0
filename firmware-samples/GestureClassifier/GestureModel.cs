using GruTiny;

namespace GestureClassifier;

/// <summary>
/// Classifies a 48-step recording of a 3-axis accelerometer as a circle, a shake or a swipe: a bidirectional GRU
/// (12 units each way) and a softmax read-out of the last step, trained by tools/train_gesture.py. A bidirectional
/// GRU reads whole sequences, so the generated type implements <see cref="IGruSequenceModel"/>: each
/// <c>RunFinal</c> classifies one whole recording.
/// </summary>
[GruModel("models/gesture.gru.json")]
public partial struct GestureModel;
