using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace MlOps.Serving.Logging;

/// <summary>
/// Hands predictions from requests to the log writer. A request never waits here: when the queue is full the
/// predictions are not logged, and that is counted (<c>mlops.serving.log.dropped</c>) and warned about, never silent.
/// </summary>
public sealed class PredictionLogQueue
{
    static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(10);
    readonly Channel<LoggedPredictions> _channel;
    readonly ILogger<PredictionLogQueue> _logger;
    readonly TimeProvider _time;
    long _dropped;
    long _droppedSinceWarning;
    long _lastWarning;

    public PredictionLogQueue(IOptions<ServingOptions> options, TimeProvider time, ILogger<PredictionLogQueue> logger)
    {
        _channel = Channel.CreateBounded<LoggedPredictions>(new BoundedChannelOptions(options.Value.LogQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _logger = logger;
        _time = time;
        ServingTelemetry.ObserveLogQueue(() => _channel.Reader.Count);
    }

    public ChannelReader<LoggedPredictions> Reader => _channel.Reader;

    /// <summary>Predictions answered but not logged since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <returns>False when the queue was full and the predictions were counted as dropped.</returns>
    public bool TryEnqueue(LoggedPredictions predictions)
    {
        if (_channel.Writer.TryWrite(predictions))
            return true;
        Interlocked.Add(ref _dropped, predictions.Count);
        Interlocked.Add(ref _droppedSinceWarning, predictions.Count);
        ServingTelemetry.LogDropped.Add(predictions.Count, new("model", predictions.Model.Model), new("version", predictions.Model.Version));
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= WarnEvery) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
            _logger.LogWarning("Prediction log queue is full ({Capacity} requests waiting): {Count} predictions answered but not logged in the last interval, {Total} since start. "
                + "The blob store or servingdb is slow or down; raise Serving:LogQueueCapacity if this is a burst.",
                _channel.Reader.Count, Interlocked.Exchange(ref _droppedSinceWarning, 0), Dropped);
        return false;
    }

    /// <summary>No more predictions will come (the host is stopping).</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
