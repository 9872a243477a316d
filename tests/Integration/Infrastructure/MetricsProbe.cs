using System.Diagnostics.Metrics;

namespace MlOps.Tests.Integration.Infrastructure;

public static class MetricsProbe
{
    /// <summary>Calls <paramref name="measured"/> with every measurement of the named counter made in this process until disposed.</summary>
    public static MeterListener Listen(string instrumentName, Action<long> measured)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == instrumentName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => measured(value));
        listener.Start();
        return listener;
    }
}
