using Fluo.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats("nats").WithJetStream();
var db = builder.AddPostgres("postgres").AddDatabase("testdb");
builder.AddProject<Projects.Fluo_Hosting_TestApp>("app")
    .WithReplicas(2).WithReference(nats).WithReference(db).WaitFor(nats).WaitFor(db);

builder.Build().Run();
