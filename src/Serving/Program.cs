using MlOps.Serving;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServing();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapMessagingAdmin();
app.Run();
