using MlOps.Serving;
using MlOps.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServing();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
