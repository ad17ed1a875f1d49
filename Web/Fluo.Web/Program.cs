using Fluo.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapWeb();
app.Run();

/// <summary>The entry point; public for WebApplicationFactory in tests.</summary>
public partial class Program;
