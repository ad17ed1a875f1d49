using Fluo.Api.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFluoDatabase();
builder.AddFluoMessaging();
builder.AddApiServices();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapTracesApi();
app.MapOtlpApi();
app.MapRulesApi();
app.MapSignalsApi();
app.MapJobsApi();
app.MapExportsApi();
app.Run();

/// <summary>The entry point; public for WebApplicationFactory in tests.</summary>
public partial class Program;
