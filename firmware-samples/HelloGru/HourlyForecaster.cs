using GruTiny;

namespace HelloGru;

/// <summary>
/// Forecasts the next hourly reading of a sensor from the readings so far: a GRU with 16 hidden units and
/// a linear read-out, trained by tools/train_hello.py and compiled into this program at build time.
/// </summary>
[GruModel("models/hello.gru.json")]
public partial struct HourlyForecaster;
