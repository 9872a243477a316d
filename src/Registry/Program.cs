using MlOps.Registry;
using MlOps.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRegistry();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
