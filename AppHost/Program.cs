using Fluo.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats("nats").WithJetStream();
var db = builder.AddPostgres("postgres").AddDatabase("fluodb");

var backend = builder.AddProject<Projects.Fluo_Backend>("backend")
    .WithReference(nats).WithReference(db).WaitFor(nats).WaitFor(db);

builder.AddProject<Projects.Fluo_Worker>("worker")
    .WithReplicas(2).WithReference(nats).WaitFor(nats);

builder.AddProject<Projects.Fluo_Api>("api")
    .WithExternalHttpEndpoints()
    .WithReference(nats).WithReference(db).WithReference(backend)
    .WaitFor(nats).WaitFor(db);

builder.Build().Run();

/// <summary>The AppHost's entry point; public so the testing builder can start this model.</summary>
public partial class Program;
