var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBackendServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>The entry point; public for WebApplicationFactory in tests.</summary>
public partial class Program;
