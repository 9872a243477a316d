using MlOps.ServiceDefaults.Messaging;
using MlOps.ServiceDefaults;
using MlOps.Training;
using MlOps.Training.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTraining();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapMessagingAdmin();
app.MapPipelinesApi();
app.MapRunsApi();
app.Run();
