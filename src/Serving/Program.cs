using Microsoft.Extensions.Options;
using MlOps.Serving;
using MlOps.Serving.Apis;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServing();

var app = builder.Build();
app.Services.ValidateServingOptions();
app.MapDefaultEndpoints();
app.MapMessagingAdmin();
app.MapServingApi();
if (app.Services.GetRequiredService<IOptions<ServingOptions>>().Value.BenchmarkEndpoint)
    app.MapBenchmarkEndpoint();
app.Run();
