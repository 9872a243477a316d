using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using MassTransit;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Testing;
using Npgsql;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Monitoring as a process on a virtual host of its own (no other service consumes what the tests publish there), with
/// its own database and blob store; a bus of the tests' own that publishes as Training, Registry and Serving would and
/// collects every <c>DriftDetected</c>; and a webhook receiver that fails on request.
/// </summary>
public sealed class MonitoringServices : IAsyncDisposable
{
    readonly NpgsqlDataSource _blobData;
    readonly IBusControl _bus;

    MonitoringServices(ServiceProcess monitoring, string database, NpgsqlDataSource blobData, IBusControl bus, WebhookReceiver webhook)
    {
        Monitoring = monitoring;
        Database = database;
        _blobData = blobData;
        Blobs = new PostgresBlobStore(blobData);
        _bus = bus;
        Webhook = webhook;
    }

    public ServiceProcess Monitoring { get; }
    /// <summary>Monitoring's own database, for what only its tables show (the outbox's trace parents).</summary>
    public string Database { get; }
    public IBlobStore Blobs { get; }
    public IPublishEndpoint Bus => _bus;
    public WebhookReceiver Webhook { get; }
    public ConcurrentQueue<DriftDetected> Drifts { get; } = new();

    public static async Task<MonitoringServices> StartAsync(InfrastructureFixture infra)
    {
        var messaging = await infra.CreateVirtualHostAsync("monitoring-" + Guid.NewGuid().ToString("N")[..8]);
        var blobs = await infra.CreateDatabaseAsync("blobs");
        var blobData = NpgsqlDataSource.Create(blobs);
        await PostgresBlobStore.EnsureSchemaAsync(blobData, CancellationToken.None);
        MonitoringServices? services = null;
        var bus = Broker.Create(messaging, cfg => cfg.ReceiveEndpoint("monitoring-tests-drift", e => e.Handler<DriftDetected>(c =>
        {
            services!.Drifts.Enqueue(c.Message);
            return Task.CompletedTask;
        })));
        await bus.StartAsync();
        var database = await infra.CreateDatabaseAsync("monitoringdb");
        var monitoring = await ServiceProcess.StartAsync("Monitoring", new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__monitoringdb"] = database,
            ["Monitoring__Alerts__FirstRetryDelay"] = "00:00:00.300",
            ["Monitoring__Alerts__PollInterval"] = "00:00:00.200",
            ["Monitoring__Alerts__MaxAttempts"] = "4",
            ["Monitoring__Alerts__Timeout"] = "00:00:05",
        });
        services = new MonitoringServices(monitoring, database, blobData, bus, WebhookReceiver.Start());
        return services;
    }

    /// <summary>Writes the predictions as a prediction log blob (docs/prediction-logs.md) and publishes its <c>PredictionsLogged</c>.</summary>
    public async Task<PredictionsLogged> LogAsync(string model, int version, IReadOnlyList<MonitoringData.Served> rows, bool shadow = false)
    {
        var text = new StringBuilder();
        var at = DateTimeOffset.UtcNow;
        foreach (var r in rows)
            text.Append(JsonSerializer.Serialize(new { id = r.Id, at, version, inputs = r.Inputs, prediction = r.Prediction })).Append('\n');
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        var blob = await Blobs.PutAsync(content);
        var logged = new PredictionsLogged(model, version, at.AddSeconds(-1), at, rows.Count, blob.Key, Guid.NewGuid(), at, shadow);
        await Bus.Publish(logged);
        return logged;
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await Monitoring.DisposeAsync();
        Webhook.Dispose();
        await _blobData.DisposeAsync();
    }
}

/// <summary>An HTTP endpoint that records every POST and answers 500 to the first <see cref="FailFirst"/> attempts of an event type (always under <c>down/</c>).</summary>
public sealed class WebhookReceiver : IDisposable
{
    readonly HttpListener _listener = new();
    readonly ConcurrentDictionary<string, int> _attempts = new();

    public string Url { get; private init; } = "";
    public ConcurrentQueue<(string Event, JsonElement Body, int Status)> Received { get; } = new();
    public int FailFirst { get; set; } = 1;

    public static WebhookReceiver Start()
    {
        var port = FreePort.Get();
        var receiver = new WebhookReceiver { Url = $"http://127.0.0.1:{port}/hook/" };
        receiver._listener.Prefixes.Add(receiver.Url);
        receiver._listener.Start();
        _ = Task.Run(receiver.LoopAsync);
        return receiver;
    }

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
            var name = body.GetProperty("event").GetString()!;
            // Failures are counted per model and event, so tests of different models do not share them.
            var key = name + "/" + body.GetProperty("model").GetString();
            var attempt = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            // Under …/hook/down/ the receiver is an endpoint that never recovers.
            var down = context.Request.Url!.AbsolutePath.Contains("/down/", StringComparison.Ordinal);
            var status = down || attempt <= FailFirst ? 500 : 200;
            Received.Enqueue((name, body, status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

/// <summary>Starts Monitoring once for the test class that uses it, and stops it after.</summary>
public sealed class MonitoringFixture : IAsyncLifetime
{
    Task<MonitoringServices>? _services;
    readonly object _gate = new();

    public Task<MonitoringServices> GetAsync(InfrastructureFixture infra)
    {
        lock (_gate) return _services ??= MonitoringServices.StartAsync(infra);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is { IsCompletedSuccessfully: true })
            await _services.Result.DisposeAsync();
    }
}
