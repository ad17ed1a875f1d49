using System.Net.WebSockets;
using System.Text.Json;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Microsoft.Extensions.Options;

namespace Fluo.Web.Live;

/// <summary>
/// The persistent NATS side of the dashboard (one per web replica): an ordered consumer on SIGNALS and one on EVENTS,
/// a watch on the <c>fluo_jobs</c> bucket and a metrics sampler, each fanned out to this replica's WebSockets by
/// <see cref="LiveHub"/>. Each loop restarts with back-off when it fails (NATS away, stream recreated).
/// </summary>
/// <remarks>
/// SIGNALS has interest retention: a message is kept only while some consumer still has to acknowledge it, and one
/// published while no consumer exists is not kept at all. Ordered consumers (ack none) do not hold messages, so the
/// feed first ensures the durable <see cref="ReplayAnchor"/> consumer. Nobody pulls it, so every signal event stays
/// in SIGNALS until the stream's max age (7 days): that is the window in which <c>since</c> replay works, on any
/// replica, after any restart. It is one consumer shared by all replicas (created idempotently by each), not one per
/// replica, so replicas coming and going never leave orphans that pin the stream.
/// </remarks>
public sealed partial class LiveFeed(
    INatsConnection connection,
    INatsJSContext js,
    INatsKVContext kv,
    FluoTopologyReady topology,
    LiveHub hub,
    JobBoard jobs,
    BackendClient backend,
    IOptions<WebOptions> options,
    ILogger<LiveFeed> logger) : BackgroundService
{
    /// <summary>The durable consumer that keeps SIGNALS messages for replay.</summary>
    public const string ReplayAnchor = "web-replay";

    private readonly TaskCompletionSource _signalsLive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _systemLive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _jobsLive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile MetricsSample? _latest;

    /// <summary>Completes once the signal, system and job feeds are subscribed (events from then on reach clients live).</summary>
    public Task Live => Task.WhenAll(_signalsLive.Task, _systemLive.Task, _jobsLive.Task);

    /// <summary>The latest metrics sample, if one was taken.</summary>
    public MetricsSample? Latest => _latest;

    /// <summary>Close code for clients when this replica lost NATS (1013, "try again later").</summary>
    public const WebSocketCloseStatus UpstreamLost = (WebSocketCloseStatus)1013;

    /// <summary>Ensures the replay anchor on SIGNALS.</summary>
    public static ValueTask<INatsJSConsumer> EnsureReplayAnchorAsync(INatsJSContext js, CancellationToken cancellationToken) =>
        js.CreateOrUpdateConsumerAsync(FluoTopology.SignalsStream, new ConsumerConfig(ReplayAnchor)
        {
            Description = "Fluo web: keeps signal events (interest retention) for WebSocket replay; never pulled",
            AckPolicy = ConsumerAckPolicy.Explicit,
            DeliverPolicy = ConsumerDeliverPolicy.All,
        }, cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without NATS the feed is stale: clients are told to reconnect, and the gateway refuses them until NATS is
        // back; they then resubscribe with `since` and get what happened meanwhile by replay.
        connection.ConnectionDisconnected += OnDisconnected;
        stoppingToken.Register(() => connection.ConnectionDisconnected -= OnDisconnected);
        await topology.WaitAsync(stoppingToken);
        await RetryAsync("replay anchor", async ct => await EnsureReplayAnchorAsync(js, ct), once: true, stoppingToken);
        await Task.WhenAll(
            RetryAsync("signals", ct => StreamLoopAsync(EventSource.Signals, ct), once: false, stoppingToken),
            RetryAsync("system events", ct => StreamLoopAsync(EventSource.System, ct), once: false, stoppingToken),
            RetryAsync("job status watch", JobsLoopAsync, once: false, stoppingToken),
            RetryAsync("metrics", MetricsLoopAsync, once: false, stoppingToken));
    }

    private void OnDisconnected(object? sender, NatsEventArgs e)
    {
        LogUpstreamLost(logger, hub.ConnectionCount, e.Message);
        hub.CloseAll(UpstreamLost, "NATS unavailable; reconnect later");
    }

    private async Task RetryAsync(string what, Func<CancellationToken, Task> loop, bool once, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await loop(stoppingToken);
                if (once)
                {
                    return;
                }

                delay = TimeSpan.FromMilliseconds(250);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, what, ex.Message, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task StreamLoopAsync(EventSource source, CancellationToken cancellationToken)
    {
        // Live only: what happened before this replica started (or while it was down) clients get by replay.
        await using var consumer = await js.CreateOrderedConsumerAsync(LiveEvent.StreamOf(source), new NatsJSOrderedConsumerOpts
        {
            FilterSubject = LiveEvent.FilterOf(source),
            DeliverPolicy = ConsumerDeliverPolicy.New,
        }, cancellationToken);
        (source == EventSource.Signals ? _signalsLive : _systemLive).TrySetResult();
        // Each event gets one process span below, continuing the publisher's trace; no receive span before it.
        await foreach (var msg in consumer.ConsumeAsync<ReadOnlyMemory<byte>>(new NatsJSConsumeOpts { ReceiveSpans = false }, cancellationToken: cancellationToken))
        {
            using var activity = msg.StartActivity();
            var metadata = msg.Metadata!;
            if (LiveEvent.From(source, msg.Subject, metadata.StreamSequence, metadata.Timestamp, msg.Data, msg.Headers) is { } e)
            {
                hub.Publish(e);
            }
        }
    }

    private async Task JobsLoopAsync(CancellationToken cancellationToken)
    {
        var store = await kv.GetStoreAsync(FluoTopology.JobsBucket, cancellationToken);
        await foreach (var entry in store.WatchAsync<ReadOnlyMemory<byte>>(opts: new NatsKVWatchOpts
        {
            // The watch keeps the job board current; a receive span per status write would add this replica to
            // every job's trace (two or three spans per ingested trace, per web replica) and show nothing new.
            ReceiveSpans = false,
            OnNoData = _ =>
            {
                _jobsLive.TrySetResult();
                return ValueTask.FromResult(false);
            },
        }, cancellationToken: cancellationToken))
        {
            var deleted = entry.Operation != NatsKVOperation.Put;
            if (Guid.TryParse(entry.Key, out var jobId))
            {
                jobs.Apply(jobId, entry.Value, deleted);
            }

            if (!deleted && LiveEvent.From(EventSource.Jobs, "$KV." + FluoTopology.JobsBucket + "." + entry.Key, entry.Revision, entry.Created, entry.Value, null) is { } e)
            {
                hub.Publish(e);
            }
        }
    }

    private async Task MetricsLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.MetricsInterval);
        var lastTraces = jobs.TraceAnalysesSeen;
        var lastAt = DateTimeOffset.UtcNow;
        do
        {
            var sample = await SampleAsync(lastTraces, lastAt, cancellationToken);
            lastTraces = jobs.TraceAnalysesSeen;
            lastAt = sample.At;
            _latest = sample;
            hub.PublishMetrics(JsonSerializer.SerializeToUtf8Bytes(sample, WebJsonContext.Default.MetricsSample));
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task<MetricsSample> SampleAsync(long lastTraces, DateTimeOffset lastAt, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var streams = new List<StreamSample>();
        var consumers = new List<ConsumerSample>();
        var connected = connection.ConnectionState == NatsConnectionState.Open;
        if (connected)
        {
            try
            {
                await foreach (var stream in js.ListStreamsAsync(cancellationToken: cancellationToken))
                {
                    streams.Add(new StreamSample(stream.Config.Name, stream.State.Messages, stream.State.Bytes, stream.State.LastSeq,
                        stream.State.ConsumerCount, stream.Config.Retention.ToString().ToLowerInvariant()));
                }

                foreach (var name in streams.Where(s => !s.Name.StartsWith("KV_", StringComparison.Ordinal)).Select(s => s.Name))
                {
                    await foreach (var c in js.ListConsumersAsync(name, cancellationToken))
                    {
                        // Ordered consumers (ours and other replicas') are ephemeral plumbing; show the named ones.
                        if (c.Config.DurableName is not null)
                        {
                            consumers.Add(new ConsumerSample(name, c.Name, c.NumPending, c.NumAckPending, c.NumRedelivered, c.NumWaiting));
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException)
            {
                LogSampleFailed(logger, ex.Message);
            }
        }

        IReadOnlyDictionary<string, long>? open = null;
        try
        {
            open = (await backend.RequestAsync<SignalCountsRequest, SignalCounts>(BackendSubjects.SignalsCounts, new SignalCountsRequest(), cancellationToken)).OpenBySeverity;
        }
        catch (BackendException)
        {
            // No Backend right now: the page shows "–" for signal counts.
        }

        var seconds = Math.Max((now - lastAt).TotalSeconds, 0.001);
        return new MetricsSample(now, jobs.CountByState(), Math.Round((jobs.TraceAnalysesSeen - lastTraces) / seconds, 2), open, streams, consumers, hub.ConnectionCount, connected);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Live feed '{What}' failed ({Reason}); restarting in {Delay}")]
    private static partial void LogLoopFailed(ILogger logger, string what, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "NATS lost ({Reason}); closing {Count} WebSocket(s) until it is back")]
    private static partial void LogUpstreamLost(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Metrics sample incomplete: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
