using MlOps.Monitoring;
using MlOps.Monitoring.Apis;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMonitoring();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapMessagingAdmin();
app.MapMonitoringApi();
app.Run();
