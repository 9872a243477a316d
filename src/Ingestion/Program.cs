using MlOps.Ingestion;
using MlOps.Ingestion.Apis;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngestion();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIngestionApi();
app.MapMessagingAdmin();
app.Run();
