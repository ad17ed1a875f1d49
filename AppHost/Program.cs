using Fluo.Hosting;
using Fluo.Hosting.ApplicationModel;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats("nats").WithJetStream();
var db = builder.AddPostgres("postgres").AddDatabase("fluodb");
var adminPassword = builder.AddParameter("web-admin-password", new ParameterGeneration(16), secret: true);

var backend = Service(builder.AddProject<Projects.Fluo_Backend>("backend"))
    .WithReference(nats).WithReference(db).WaitFor(nats).WaitFor(db);

Service(builder.AddProject<Projects.Fluo_Worker>("worker"))
    .WithReplicas(2).WithReference(nats).WaitFor(nats);

var api = Service(builder.AddProject<Projects.Fluo_Api>("api"))
    .WithExternalHttpEndpoints()
    .WithReference(nats).WithReference(db).WithReference(backend)
    .WaitFor(nats).WaitFor(db);

Service(builder.AddProject<Projects.Fluo_Web>("web"))
    .WithExternalHttpEndpoints()
    .WithReference(nats).WithReference(db).WithReference(api)
    .WithEnvironment("Fluo__Web__AdminPassword", adminPassword)
    .WaitFor(nats).WaitFor(db);

builder.Build().Run();

// W^X (the runtime never maps code writable and executable at once) cost these services dearly under load on two
// cores: with it off, the ingest benchmark analysed 1,105-1,364 traces/s against 680-942 with it on, and its p99 at
// 500 traces/s fell from 519-765 ms to 236-336 ms (one build, runs interleaved). The services load no untrusted
// code, so here the hardening buys less than it costs; drop this setting to have it back.
static IResourceBuilder<ProjectResource> Service(IResourceBuilder<ProjectResource> project) =>
    project.WithEnvironment("DOTNET_EnableWriteXorExecute", "0");

/// <summary>The AppHost's entry point; public so the testing builder can start this model.</summary>
public partial class Program;
