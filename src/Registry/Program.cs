using MlOps.ServiceDefaults.Messaging;
using MlOps.Registry;
using MlOps.Registry.Apis;
using MlOps.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRegistry();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapMessagingAdmin();
app.MapRegistryApi();
app.Run();
