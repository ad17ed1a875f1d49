using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.ServiceDefaults.Health;
using Fluo.Worker.Jobs;
using Fluo.Worker.Telemetry;
using Microsoft.Extensions.Options;

namespace Fluo.Worker.Consuming;

/// <summary>
/// The consume loop on the shared durable consumer <c>JOBS/workers</c>: up to <see cref="WorkerOptions.Concurrency"/>
/// jobs at once, registered with <see cref="ConsumerLiveness"/> so a stalled consume turns <c>/alive</c> 503. On
/// shutdown it stops pulling, lets in-flight jobs finish within <see cref="WorkerOptions.ShutdownTimeout"/> and naks
/// the rest so another replica takes them at once.
/// </summary>
internal sealed class JobConsumer(
    INatsJSContext js,
    FluoTopologyReady topology,
    JobStatusStore status,
    JobProcessor processor,
    ConsumerLiveness liveness,
    IOptions<WorkerOptions> options,
    ILogger<JobConsumer> logger) : BackgroundService
{
    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;
    private readonly WorkerOptions _options = options.Value;
    private readonly CancellationTokenSource _abort = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var concurrency = Math.Max(1, _options.Concurrency);
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var heartbeat = _options.IdleHeartbeat;
        var consumeOpts = new NatsJSConsumeOpts
        {
            // Ask for no more than can be worked on: what waits in the client buffer cannot go to another replica.
            MaxMsgs = concurrency,
            IdleHeartbeat = heartbeat,
            Expires = heartbeat * 4 < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : heartbeat * 4,
            // JobProcessor's process span continues the publisher's trace itself; a receive span before it would be
            // one more span per job, saying only that the job arrived.
            ReceiveSpans = false,
        };

        try
        {
            await topology.WaitAsync(stoppingToken);
            await status.InitializeAsync(stoppingToken);
            var retry = TimeSpan.FromMilliseconds(500);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var consumer = await js.GetConsumerAsync(FluoTopology.JobsStream, FluoTopology.WorkersConsumer, stoppingToken);
                    WorkerLog.Consuming(logger, consumer.Stream, consumer.Name, concurrency);
                    await foreach (var msg in consumer.ConsumeWithLivenessAsync(liveness, consumeOpts, Raw, cancellationToken: stoppingToken))
                    {
                        try
                        {
                            await slots.WaitAsync(stoppingToken);
                        }
                        catch (OperationCanceledException)
                        {
                            await msg.NakAsync(cancellationToken: CancellationToken.None);
                            throw;
                        }

                        _ = RunAsync(msg, slots);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    WorkerLog.ConsumeFailed(logger, ex, FluoTopology.JobsStream, FluoTopology.WorkersConsumer, retry);
                    await Task.Delay(retry, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: fall through to the drain.
        }

        await DrainAsync(slots, concurrency);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(NatsJSMsg<ReadOnlyMemory<byte>> msg, SemaphoreSlim slots)
    {
        try
        {
            // Off the consume loop's thread: the loop goes back to reading (and hearing heartbeats) at once.
            await Task.Yield();
            await processor.ProcessAsync(msg, _abort.Token);
        }
        catch (Exception ex)
        {
            // ProcessAsync settles every message itself; this only catches NATS failing while it settles.
            WorkerLog.ConsumeFailed(logger, ex, FluoTopology.JobsStream, FluoTopology.WorkersConsumer, TimeSpan.Zero);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Waits for in-flight jobs (every slot back) until the deadline, then aborts the rest, which nak themselves.</summary>
    private async Task DrainAsync(SemaphoreSlim slots, int concurrency)
    {
        var inFlight = concurrency - slots.CurrentCount;
        if (inFlight > 0)
        {
            WorkerLog.Draining(logger, _options.ShutdownTimeout, inFlight);
        }

        using var deadline = new CancellationTokenSource(_options.ShutdownTimeout);
        var acquired = 0;
        try
        {
            for (; acquired < concurrency; acquired++)
            {
                await slots.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
            for (; acquired < concurrency; acquired++)
            {
                // Aborted jobs nak and return quickly; do not wait forever on one stuck in a NATS call.
                if (!await slots.WaitAsync(TimeSpan.FromSeconds(5)))
                {
                    break;
                }
            }
        }
    }
}
