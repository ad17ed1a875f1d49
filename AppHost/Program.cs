using Fluo.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

builder.AddNats("nats").WithJetStream();
builder.AddPostgres("postgres").AddDatabase("fluodb");

builder.Build().Run();

/// <summary>The AppHost's entry point; public so the testing builder can start this model.</summary>
public partial class Program;
