using Fluo.Hosting;
using Fluo.Hosting.ApplicationModel;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats("nats").WithJetStream();
var db = builder.AddPostgres("postgres").AddDatabase("fluodb");
var adminPassword = builder.AddParameter("web-admin-password", new ParameterGeneration(16), secret: true);

var backend = builder.AddProject<Projects.Fluo_Backend>("backend")
    .WithReference(nats).WithReference(db).WaitFor(nats).WaitFor(db);

builder.AddProject<Projects.Fluo_Worker>("worker")
    .WithReplicas(2).WithReference(nats).WaitFor(nats);

var api = builder.AddProject<Projects.Fluo_Api>("api")
    .WithExternalHttpEndpoints()
    .WithReference(nats).WithReference(db).WithReference(backend)
    .WaitFor(nats).WaitFor(db);

builder.AddProject<Projects.Fluo_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(nats).WithReference(db).WithReference(api)
    .WithEnvironment("Fluo__Web__AdminPassword", adminPassword)
    .WaitFor(nats).WaitFor(db);

builder.Build().Run();

/// <summary>The AppHost's entry point; public so the testing builder can start this model.</summary>
public partial class Program;
