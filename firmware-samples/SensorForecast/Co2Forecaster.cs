using GruTiny;

namespace SensorForecast;

/// <summary>
/// Next week's Mauna Loa CO2 reading (ppm) from this week's, compiled at build time from the model trained by
/// tools/train_co2.py. Inputs and outputs are in raw ppm: the normalisation is part of the model file.
/// </summary>
[GruModel("models/co2.gru.json")]
public partial struct Co2Forecaster;

/// <summary>The same model with int8 weights (a float32 scale per row), quantised at build time: <c>--weights int8</c>.</summary>
[GruModel("models/co2.gru.json", Weights = GruWeightType.Int8)]
public partial struct Co2ForecasterInt8;

/// <summary>The same model with float16 weights: <c>--weights float16</c>.</summary>
[GruModel("models/co2.gru.json", Weights = GruWeightType.Float16)]
public partial struct Co2ForecasterFloat16;
