using GruTiny;

namespace SensorForecast;

/// <summary>
/// Next week's Mauna Loa CO2 reading (ppm) from this week's, compiled at build time from the model trained by
/// tools/train_co2.py. Inputs and outputs are in raw ppm: the normalisation is part of the model file.
/// </summary>
[GruModel("models/co2.gru.json")]
public partial struct Co2Forecaster;
