namespace MlOps.Tests.Integration.Infrastructure;

/// <summary>Ingestion and Validation as processes against the shared broker, each with its own database and one blob database.</summary>
public sealed class SliceServices : IAsyncDisposable
{
    readonly Dictionary<string, string> _validationEnv;

    readonly Dictionary<string, string> _ingestionEnv;

    SliceServices(Dictionary<string, string> ingestionEnv, ServiceProcess ingestion, ServiceProcess validation, Dictionary<string, string> validationEnv)
    {
        _ingestionEnv = ingestionEnv;
        Ingestion = ingestion;
        Validation = validation;
        _validationEnv = validationEnv;
    }

    public ServiceProcess Ingestion { get; }
    public string IngestionDatabase => _ingestionEnv["ConnectionStrings__ingestiondb"];
    public ServiceProcess? Validation { get; private set; }

    /// <param name="messaging">The broker (e.g. a virtual host of the test's own); the shared test broker when null.</param>
    /// <param name="settings">Extra settings for both services, as environment variables (<c>Messaging__QueueType</c> …).</param>
    public static async Task<SliceServices> StartAsync(InfrastructureFixture infra, string? messaging = null, IDictionary<string, string>? settings = null)
    {
        var blobs = await infra.CreateDatabaseAsync("blobs");
        var ingestionEnv = new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging ?? infra.Messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__ingestiondb"] = await infra.CreateDatabaseAsync("ingestiondb"),
        };
        var validationEnv = new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging ?? infra.Messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__validationdb"] = await infra.CreateDatabaseAsync("validationdb"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            ingestionEnv[key] = validationEnv[key] = value;
        var ingestion = ServiceProcess.StartAsync("Ingestion", ingestionEnv);
        var validation = ServiceProcess.StartAsync("Validation", validationEnv);
        return new SliceServices(ingestionEnv, await ingestion, await validation, validationEnv);
    }

    /// <summary>Stops Validation, runs <paramref name="whileDown"/>, then starts it again on the same database.</summary>
    public async Task WithValidationDownAsync(Func<Task> whileDown)
    {
        if (Validation is not null)
            await Validation.DisposeAsync();
        Validation = null;
        try
        {
            await whileDown();
        }
        finally
        {
            Validation = await ServiceProcess.StartAsync("Validation", _validationEnv);
        }
    }

    /// <summary>A second Ingestion on the same broker and blob store, with its own database and extra settings (e.g. limits).</summary>
    public async Task<ServiceProcess> StartIngestionAsync(InfrastructureFixture infra, IDictionary<string, string> settings)
    {
        var env = new Dictionary<string, string>(_ingestionEnv) { ["ConnectionStrings__ingestiondb"] = await infra.CreateDatabaseAsync("ingestiondb") };
        foreach (var (key, value) in settings)
            env[key] = value;
        return await ServiceProcess.StartAsync("Ingestion", env);
    }

    public async ValueTask DisposeAsync()
    {
        await Ingestion.DisposeAsync();
        if (Validation is not null)
            await Validation.DisposeAsync();
    }
}
