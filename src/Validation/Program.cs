using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Validation;
using MlOps.Validation.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddValidation();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapValidationApi();
app.MapMessagingAdmin();
app.Run();
