using System.Collections.Concurrent;
using System.Text;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Traces;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Testing.Nats;

namespace Fluo.Worker.Tests;

/// <summary>A real nats-server, a client with Fluo's JSON, the fake Backend and worker hosts; all disposed together.</summary>
internal sealed class Testbed : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly List<IAsyncDisposable> _owned = [];

    private Testbed(NatsServer server, NatsConnection client)
    {
        Server = server;
        Client = client;
        Js = client.CreateJetStreamContext();
        Kv = new NatsKVContext(Js);
    }

    public NatsServer Server { get; }

    public NatsConnection Client { get; }

    public INatsJSContext Js { get; }

    public INatsKVContext Kv { get; }

    public FakeBackend? Backend { get; private set; }

    /// <summary>Every acknowledgement the workers send on JOBS (<c>+ACK</c>, <c>-NAK {…}</c>, <c>+WPI</c>, <c>+TERM</c>), in order.</summary>
    public ConcurrentQueue<string> Acks { get; } = new();

    public static async Task<Testbed> StartAsync(bool backend = true)
    {
        var server = await NatsServer.StartAsync();
        var client = new NatsConnection(new NatsOpts { Url = server.Url, SerializerRegistry = FluoJsonContext.Registry });
        await client.ConnectAsync();
        var bed = new Testbed(server, client);
        var acks = await client.SubscribeCoreAsync<string>($"$JS.ACK.{FluoTopology.JobsStream}.{FluoTopology.WorkersConsumer}.>");
        bed._owned.Add(acks);
        _ = Task.Run(async () =>
        {
            await foreach (var ack in acks.Msgs.ReadAllAsync())
            {
                bed.Acks.Enqueue(ack.Data ?? "");
            }
        });
        if (backend)
        {
            await bed.StartBackendAsync();
        }

        return bed;
    }

    public async Task<FakeBackend> StartBackendAsync()
    {
        Backend = await FakeBackend.StartAsync(Client);
        return Backend;
    }

    public async Task<WorkerHost> StartWorkerAsync(IDictionary<string, string?>? settings = null)
    {
        var host = await WorkerHost.StartAsync(Server.Url, settings);
        _owned.Add(host);
        return host;
    }

    public async Task PublishJobAsync<T>(string subject, T job, Guid jobId, string? msgId = null, NatsHeaders? headers = null)
    {
        headers ??= new NatsHeaders();
        headers[FluoHeaders.JobId] = jobId.ToString();
        await Js.PublishAsync(subject, job, new NatsJSPubOpts { MsgId = msgId ?? jobId.ToString() }, headers);
    }

    public async Task PublishRawAsync(string subject, string payload, Guid jobId)
    {
        var headers = new NatsHeaders { [FluoHeaders.JobId] = jobId.ToString() };
        await Js.PublishAsync(subject, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(payload), new NatsJSPubOpts { MsgId = jobId.ToString() }, headers);
    }

    /// <summary>The job's status once it is in one of <paramref name="states"/>.</summary>
    public async Task<JobStatus> WaitForStatusAsync(Guid jobId, params JobState[] states)
    {
        var store = await Kv.GetStoreAsync(FluoTopology.JobsBucket);
        JobStatus? last = null;
        try
        {
            await Eventually.Async(async () =>
            {
                try
                {
                    last = (await store.GetEntryAsync<JobStatus>(jobId.ToString("N"))).Value;
                    return last is not null && states.Contains(last.State);
                }
                catch (NatsKVKeyNotFoundException)
                {
                    return false;
                }
            }, $"job {jobId:N} in {string.Join('/', states)}");
        }
        catch (TimeoutException ex)
        {
            // The description above is built before the wait; say what was last seen when it ran out.
            throw new TimeoutException($"{ex.Message} Last seen: {(last is null ? "no status" : $"{last.State} {last.Message}")}.", ex);
        }

        return last!;
    }

    /// <summary>A pull consumer on SIGNALS created before anything is published (interest retention keeps messages only for consumers).</summary>
    public async Task<INatsJSConsumer> SignalsConsumerAsync() =>
        await Js.CreateOrUpdateConsumerAsync(FluoTopology.SignalsStream, new ConsumerConfig("test-signals") { AckPolicy = ConsumerAckPolicy.Explicit });

    public static async Task<List<NatsJSMsg<T>>> DrainAsync<T>(INatsJSConsumer consumer)
    {
        var list = new List<NatsJSMsg<T>>();
        await foreach (var msg in consumer.FetchAsync<T>(new NatsJSFetchOpts { MaxMsgs = 1000, Expires = TimeSpan.FromSeconds(1) }))
        {
            await msg.AckAsync();
            list.Add(msg);
        }

        return list;
    }

    public static TraceDocument Trace(params (string Name, double DurationMs)[] spans)
    {
        var traceId = Guid.NewGuid().ToString("N");
        var start = DateTimeOffset.UtcNow;
        var list = spans.Select((s, i) => new TraceSpan($"{i + 1:x16}", i == 0 ? null : $"{1:x16}", s.Name, "cart", start, s.DurationMs)).ToList();
        return new TraceDocument(traceId, list);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }

        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

internal static class Eventually
{
    public static async Task Async(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Testbed.Wait);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static Task Async(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Async(() => Task.FromResult(condition()), what, timeout);
}
