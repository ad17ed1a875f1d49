using Fluo.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

/// <summary>The entry point; public for WebApplicationFactory in tests.</summary>
public partial class Program;
