using MlOps.AppHost;
using MlOps.AppHost.Dashboard;
using MlOps.AppHost.Orchestration;

// appsettings.json is read from the build output, so it applies whatever directory the AppHost is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

var options = builder.Configuration.GetSection(AppHostOptions.Section).Get<AppHostOptions>() ?? new AppHostOptions();
PortPlan ports;
RepoLayout layout;
try
{
    ports = PortPlan.From(options);
    ports.EnsureAvailable();
    layout = RepoLayout.Discover(options.Configuration);
    layout.EnsureServicesBuilt(ServiceCatalog.Services);
}
catch (InvalidOperationException e)
{
    // Problems a developer fixes by hand (a busy port, unbuilt services) get one clear line, not a stack trace.
    Console.Error.WriteLine($"[apphost] {e.Message}");
    return 1;
}

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenLocalhost(ports.Dashboard);
    kestrel.ListenLocalhost(ports.Otlp);
});
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(90));
builder.Services.AddOptions<AppHostOptions>().BindConfiguration(AppHostOptions.Section);
builder.Services.AddSingleton(ports);
builder.Services.AddSingleton(layout);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ResourceCatalog>();
builder.Services.AddSingleton<ConsoleOutput>();
builder.Services.AddSingleton<TelemetryStore>();
builder.Services.AddHostedService<PlatformHost>();

var app = builder.Build();
app.MapDashboard(ports.Dashboard);
app.MapOtlpReceiver(ports.Otlp);
app.Run();
// PlatformHost sets a failing exit code when start-up fails; a normal stop leaves it at 0.
return Environment.ExitCode;
