using Fluo.Hosting;
using Fluo.Hosting.ApplicationModel;

var builder = DistributedApplication.CreateBuilder(args);

var nats = builder.AddNats("nats").WithJetStream();
if (builder.ExecutionContext.IsRunMode)
{
    // Locally nats-server shares the machine with PostgreSQL and six .NET processes. With a Go scheduler thread per core
    // it wakes another OS thread for nearly every goroutine it readies (a consumer's delivery loop, a client's flusher),
    // and on a two-core VM every such wake-up costs more than the work it hands over. Half the cores (one on two)
    // cut the machine's context switches per ingested trace from 12-14 to about 10 (session 15).
    nats.WithEnvironment("GOMAXPROCS", Math.Max(1, Environment.ProcessorCount / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));

    // Go collects each time the heap doubles (GOGC=100). nats-server's heap is small and it allocates a buffer for every
    // message it stores or delivers, so under load its collector ran often: the GC's mark workers were 9% of the server's
    // samples at full load. Collecting at five times the live heap cut them to 5.6%, for a larger resident size (about
    // 400 MB against 290 MB under the ingest benchmark), which a developer machine can spare (session 16).
    nats.WithEnvironment("GOGC", "400");
}

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
// Inline socket completions run the code waiting on a socket on the thread that saw it ready, instead of handing it to
// a thread-pool thread it must wake first: a trace crosses a dozen sockets, and the machine's context switches per
// ingested trace fell from 17 to 12-14 at full load and from 68 to 52 at 500 traces/s (session 15). The price is that
// code continuing after a socket read must never block its thread, or every socket of that thread waits; these services
// never wait synchronously on I/O.
static IResourceBuilder<ProjectResource> Service(IResourceBuilder<ProjectResource> project) =>
    project.WithEnvironment("DOTNET_EnableWriteXorExecute", "0")
        .WithEnvironment("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

/// <summary>The AppHost's entry point; public so the testing builder can start this model.</summary>
public partial class Program;
