using MlOps.Monitoring;
using MlOps.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMonitoring();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
