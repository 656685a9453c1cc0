using System;

namespace SensorForecast;

/// <summary>Mean absolute and root-mean-square error of forecasts, accumulated one pair at a time.</summary>
internal struct ErrorMetrics
{
    private double _absolute, _squared;

    public int Count { get; private set; }

    public readonly double Mae => _absolute / Count;

    public readonly double Rmse => Math.Sqrt(_squared / Count);

    public void Add(double forecast, double actual)
    {
        double error = forecast - actual;
        _absolute += Math.Abs(error);
        _squared += error * error;
        Count++;
    }
}
