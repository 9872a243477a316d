namespace MlOps.AppHost;

/// <summary>Settings under the <c>AppHost</c> section (appsettings.json, <c>AppHost__*</c> variables or <c>--AppHost:*</c> arguments).</summary>
public sealed class AppHostOptions
{
    public const string Section = "AppHost";

    /// <summary>Where RabbitMQ and PostgreSQL keep their data; default <c>&lt;repo&gt;/.mlops</c>.</summary>
    public string? StateDir { get; set; }

    /// <summary>Build configuration whose service binaries to run; default the AppHost's own.</summary>
    public string? Configuration { get; set; }

    /// <summary>When true, every port not set under <see cref="Ports"/> is a free one picked at start-up.</summary>
    public bool FreePorts { get; set; }

    public PortOptions Ports { get; set; } = new();

    /// <summary>How long to wait for every service's /health before reporting which are not healthy.</summary>
    public int HealthTimeoutSeconds { get; set; } = 90;

    /// <summary>How long a service gets to exit after SIGTERM before it is killed.</summary>
    public int StopTimeoutSeconds { get; set; } = 10;
}

/// <summary>One port per resource; unset means the documented default (or a free port with FreePorts), 0 means a free port.</summary>
public sealed class PortOptions
{
    public int? Ingestion { get; set; }
    public int? Validation { get; set; }
    public int? Training { get; set; }
    public int? Registry { get; set; }
    public int? Serving { get; set; }
    public int? Monitoring { get; set; }
    public int? Dashboard { get; set; }
    public int? Otlp { get; set; }
    public int? RabbitMq { get; set; }
    public int? Postgres { get; set; }

    public int? ForService(string name) => name switch
    {
        "ingestion" => Ingestion,
        "validation" => Validation,
        "training" => Training,
        "registry" => Registry,
        "serving" => Serving,
        "monitoring" => Monitoring,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a platform service."),
    };
}
