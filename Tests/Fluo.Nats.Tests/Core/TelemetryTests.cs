using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Testing.Nats;
using Fluo.Testing.Telemetry;

namespace Fluo.Nats.Tests.Core;

[Collection(nameof(TelemetryTests))]
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public class TelemetryTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task Trace_context_reaches_the_subscriber_and_spans_follow_the_messaging_conventions()
    {
        using var recorder = new SpanRecorder("Fluo.Nats", "test");
        using var source = new ActivitySource("test");

        await using var subscriber = await TestConnections.ConnectAsync(fixture.Server.Url);
        await using var publisher = await TestConnections.ConnectAsync(fixture.Server.Url);
        await using var sub = await subscriber.SubscribeCoreAsync<string>("traced.orders");
        ActivityTraceId traceId;
        using (var root = source.StartActivity("user action"))
        {
            traceId = root!.TraceId;
            await publisher.PublishAsync("traced.orders", "payload-not-in-tags");
        }

        var msg = await sub.NextAsync();
        Assert.StartsWith($"00-{traceId}-", msg.Headers!["traceparent"].ToString(), StringComparison.Ordinal);
        Assert.Equal(traceId, msg.ReceiveContext.TraceId);
        using (var process = msg.StartActivity())
        {
            Assert.Equal(traceId, process!.TraceId);
        }

        var spans = recorder.Stopped;
        var publish = Assert.Single(spans, s => s.DisplayName == "publish traced.orders");
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        var receive = Assert.Single(spans, s => s.DisplayName == "receive traced.orders");
        Assert.Equal(ActivityKind.Consumer, receive.Kind);
        Assert.Equal(publish.SpanId, receive.ParentSpanId);
        Assert.Equal(traceId, receive.TraceId);
        var processSpan = Assert.Single(spans, s => s.DisplayName == "process traced.orders");
        Assert.Equal(receive.SpanId, processSpan.ParentSpanId);
        foreach (var span in new[] { publish, receive })
        {
            Assert.Equal("nats", span.GetTagItem("messaging.system"));
            Assert.Equal("traced.orders", span.GetTagItem("messaging.destination.name"));
            Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
            Assert.Equal(fixture.Server.Port, span.GetTagItem("server.port"));
            Assert.DoesNotContain(span.TagObjects, t => t.Value is string v && v.Contains("payload-not-in-tags", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Inbox_subjects_collapse_to_one_span_name()
    {
        using var recorder = new SpanRecorder("Fluo.Nats");
        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        await using var sub = await connection.SubscribeCoreAsync<int>("svc.echo");
        _ = Task.Run(async () =>
        {
            await foreach (var m in sub.Msgs.ReadAllAsync())
            {
                await m.ReplyAsync(m.Data);
            }
        });
        for (var i = 0; i < 5; i++)
        {
            await connection.RequestAsync<int, int>("svc.echo", i);
        }

        var names = recorder.Stopped.Select(a => a.DisplayName).ToList();
        Assert.Contains("publish _INBOX", names);
        Assert.Contains("receive _INBOX", names);
        Assert.DoesNotContain(names, n => n.StartsWith("publish _INBOX.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reply_without_trace_context_such_as_a_JetStream_ack_gets_no_receive_span()
    {
        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("UNTRACED_ACKS", ["untraced.acks"]));
        using var recorder = new SpanRecorder("Fluo.Nats");
        await js.PublishAsync("untraced.acks", 1);

        var names = recorder.Stopped.Select(a => a.DisplayName).ToList();
        Assert.Contains("publish untraced.acks", names);
        Assert.DoesNotContain(names, n => n.StartsWith("receive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acknowledgements_are_bare_publishes_without_a_span_or_trace_context_of_their_own()
    {
        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        await using var observer = await TestConnections.ConnectAsync(fixture.Server.Url);
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SETTLED", ["settled.>"]));
        var consumer = await js.CreateOrUpdateConsumerAsync("SETTLED", new ConsumerConfig("c"));
        await using var acks = await observer.SubscribeCoreAsync<string>("$JS.ACK.SETTLED.>");
        await observer.PingAsync();
        await js.PublishAsync("settled.a", 1);
        await js.PublishAsync("settled.b", 2);
        using var recorder = new SpanRecorder("Fluo.Nats");

        var first = (await consumer.NextAsync<int>())!.Value;
        using (first.StartActivity())
        {
            await first.AckAsync();
        }

        var second = (await consumer.NextAsync<int>())!.Value;
        using (second.StartActivity())
        {
            await second.NakAsync(TimeSpan.FromMinutes(1));
        }

        var seen = new[] { await acks.NextAsync(), await acks.NextAsync() };
        Assert.Equal(["+ACK", "-NAK {\"delay\":60000000000}"], seen.Select(m => m.Data));
        Assert.All(seen, m => Assert.Null(m.Headers));
        Assert.DoesNotContain(recorder.Stopped, s => s.DisplayName.StartsWith("publish $JS.ACK", StringComparison.Ordinal));
        // The observer's own receive spans start traces of their own: the acks carried no context to continue.
        Assert.All(recorder.Stopped.Where(s => s.DisplayName.StartsWith("receive $JS.ACK", StringComparison.Ordinal)), s => Assert.Equal(default, s.ParentSpanId));
        Assert.Equal(["process settled.a", "process settled.b"], recorder.Stopped.Where(s => s.DisplayName.StartsWith("process", StringComparison.Ordinal)).Select(s => s.DisplayName).Order());
        await consumer.RefreshAsync();
        Assert.Equal(1ul, consumer.Info.AckFloor.StreamSeq);
    }

    [Fact]
    public async Task A_watch_can_leave_its_entries_out_of_the_writers_traces()
    {
        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        var store = await new NatsKVContext(new NatsJSContext(connection)).CreateStoreAsync(new NatsKVConfig("watch_spans") { Storage = StreamStorage.Memory });
        await store.PutAsync("before", 0);
        using var recorder = new SpanRecorder("Fluo.Nats");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var quiet = store.WatchAsync<int>(opts: new NatsKVWatchOpts { ReceiveSpans = false }, cancellationToken: cts.Token).GetAsyncEnumerator();
        await using var traced = store.WatchAsync<int>(cancellationToken: cts.Token).GetAsyncEnumerator();
        Assert.True(await quiet.MoveNextAsync());
        Assert.True(await traced.MoveNextAsync());

        await store.PutAsync("after", 1);
        Assert.True(await quiet.MoveNextAsync());
        Assert.True(await traced.MoveNextAsync());
        Assert.Equal(("after", 1, "after", 1), (quiet.Current.Key, quiet.Current.Value, traced.Current.Key, traced.Current.Value));

        // Two entries each reached both watches; only the default watch recorded them, the second in the put's trace.
        var receives = recorder.Stopped.Where(s => s.DisplayName == "receive $KV.watch_spans").ToList();
        Assert.Equal(2, receives.Count);
        var put = Assert.Single(recorder.Stopped, s => s.DisplayName == "publish $KV.watch_spans");
        Assert.Contains(receives, r => r.TraceId == put.TraceId && r.ParentSpanId == put.SpanId);
    }

    [Fact]
    public async Task Key_value_subjects_collapse_to_their_bucket_in_span_names_and_metrics_and_the_key_stays_on_the_span()
    {
        var destinations = new ConcurrentBag<string>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument is { Meter.Name: "Fluo.Nats", Name: "messaging.client.operation.duration" })
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name")
                {
                    destinations.Add((string)tag.Value!);
                }
            }
        });
        meterListener.Start();
        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        var store = await new NatsKVContext(new NatsJSContext(connection)).CreateStoreAsync(new NatsKVConfig("telemetry_keys") { Storage = StreamStorage.Memory });
        using var recorder = new SpanRecorder("Fluo.Nats");

        for (var i = 0; i < 5; i++)
        {
            await store.PutAsync($"job{i}", i);
        }

        var puts = recorder.Stopped.Where(a => a.DisplayName.StartsWith("publish $KV", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, puts.Count);
        Assert.All(puts, span => Assert.Equal("publish $KV.telemetry_keys", span.DisplayName));
        Assert.All(puts, span => Assert.Equal("$KV.telemetry_keys", span.GetTagItem("messaging.destination.template")));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"$KV.telemetry_keys.job{i}"), puts.Select(s => (string)s.GetTagItem("messaging.destination.name")!).Order());
        Assert.Equal(["$KV.telemetry_keys"], destinations.Where(d => d.StartsWith("$KV.telemetry_keys", StringComparison.Ordinal)).Distinct());
    }

    [Fact]
    public async Task Meters_count_messages_bytes_drops_and_subscriptions()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Fluo.Nats")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        meterListener.Start();

        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        await using var sub = await connection.SubscribeCoreAsync<byte[]>("metered", opts: new NatsSubOpts { ChannelCapacity = 5 });
        for (var i = 0; i < 10; i++)
        {
            await connection.PublishAsync("metered", new byte[100]);
        }

        await TestConnections.WaitForAsync(() => sub.DroppedCount == 5, "5 drops");
        Assert.True(totals.GetValueOrDefault("messaging.client.sent.messages") >= 10);
        Assert.True(totals.GetValueOrDefault("nats.client.sent.bytes") >= 1000);
        Assert.True(totals.GetValueOrDefault("messaging.client.consumed.messages") >= 10);
        Assert.True(totals.GetValueOrDefault("nats.client.received.bytes") >= 1000);
        Assert.True(totals.GetValueOrDefault("nats.client.messages.dropped") >= 5);
        Assert.True(totals.GetValueOrDefault("nats.client.active_subscriptions") >= 1);
    }
}
