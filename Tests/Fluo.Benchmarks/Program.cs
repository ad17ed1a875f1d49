using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Fluo.Benchmarks.Cli;
using Fluo.Benchmarks.Ws;

// nats --mode pub|pubsub|req [--n N] [--size S] [--url U] [--repeat K]   -> command-line throughput runner
// bdn [BenchmarkDotNet args, e.g. --filter '*']                           -> BenchmarkDotNet suite
// ingest [--seconds S] [--rate R] [--concurrency C] [--env K=V]...         -> whole-system HTTP ingest and accept→signal latency
// ws [--clients N] [--rate R] [--seconds S] [--web-env K=V]...             -> WebSocket fan-out: frames/s, publish→frame latency
return args.FirstOrDefault() switch
{
    "nats" => await NatsCli.RunAsync(args[1..]),
    "bdn" => RunBdn(args[1..]),
    "ingest" => await IngestBench.RunAsync(args[1..]),
    "ws" => await WsBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int RunBdn(string[] args)
{
    // Building the generated benchmark project takes longer than BenchmarkDotNet's default two minutes on two busy cores.
    BenchmarkSwitcher.FromAssembly(typeof(NatsCli).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: nats --mode pub|pubsub|req [--n N] [--size S] [--url U] [--repeat K]");
    Console.Error.WriteLine("       bdn [--filter '*'] [other BenchmarkDotNet options]");
    Console.Error.WriteLine("       ingest [--seconds 10] [--rate 500] [--concurrency 32] [--env KEY=VALUE]...");
    Console.Error.WriteLine("       ws [--clients 1000] [--rate 100] [--seconds 10]");
    return 2;
}
