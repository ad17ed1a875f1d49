using System.Collections.Concurrent;
using System.Text;
using Fluo.Nats.JetStream;
using Fluo.Nats.Tests.Core;
using Fluo.Testing.Nats;
using Xunit.Abstractions;

namespace Fluo.Nats.Tests.JetStream;

/// <summary>An R3 stream on a real three-node cluster whose stream leader is killed with SIGKILL.</summary>
public class ClusterFailoverTests(ITestOutputHelper output)
{
    // Elections take a few seconds (2.9 raft: 2-5 s election timeout); a loaded 2-core machine needs more.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_R3_stream_survives_its_leaders_death_without_losing_an_acknowledged_publish(bool asyncPublisher)
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var admin = await TestConnections.ConnectAsync(cluster.ConnectionString);
        var adminJs = admin.CreateJetStreamContext();
        var name = JS.Name("R3");
        var info = await CreateR3StreamAsync(adminJs, name);
        await adminJs.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c") { AckWait = TimeSpan.FromSeconds(3) });
        var leader = cluster.Servers.Single(s => s.ServerName == info.Cluster!.Leader);

        // The leader's node first: the kill takes the client's connection down along with the stream leader.
        var urls = cluster.Servers.OrderBy(s => s == leader ? 0 : 1).Select(s => s.Url);
        await using var connection = await TestConnections.ConnectAsync(string.Join(',', urls), o => o with { NoRandomize = true });
        var js = connection.CreateJetStreamContext(new NatsJSOpts { RequestTimeout = TimeSpan.FromSeconds(2) });
        var consumer = await js.GetConsumerAsync(name, "c");

        var acked = new ConcurrentDictionary<int, ulong>();
        var failures = new ConcurrentDictionary<string, int>();
        var consumed = new ConcurrentDictionary<int, int>();
        using var stopPublishing = new CancellationTokenSource();
        using var stopConsuming = new CancellationTokenSource();
        var publishing = Task.Run(() => asyncPublisher
            ? PublishWindowsUntilStoppedAsync(js, $"{name}.x", acked, failures, stopPublishing.Token)
            : PublishUntilStoppedAsync(js, $"{name}.x", acked, failures, stopPublishing.Token));
        var consuming = Task.Run(() => ConsumeAsync(consumer, consumed, stopConsuming.Token));

        await PollAsync(() => acked.Count >= 150 && consumed.Count >= 50, "publishes and consumption before the kill", publishing, consuming);
        var ackedBeforeKill = acked.Count;
        var killedAt = DateTime.UtcNow;
        Log($"killing the stream leader {leader.ServerName}");
        await leader.StopAsync(kill: true);

        var newLeader = await WaitForLeaderAsync(adminJs, name, l => l != leader.ServerName);
        output.WriteLine($"{leader.ServerName} killed after {ackedBeforeKill} acks; {newLeader} leads after {(DateTime.UtcNow - killedAt).TotalSeconds:0.0}s");
        Assert.Contains(newLeader, cluster.Servers.Where(s => s.IsRunning).Select(s => s.ServerName));
        await PollAsync(() => acked.Count >= ackedBeforeKill + 150, "publishes after the failover", publishing, consuming);
        await stopPublishing.CancelAsync();
        await publishing.WaitAsync(Generous);
        output.WriteLine($"{acked.Count} acked, {consumed.Count} consumed so far; publish failures retried: {Describe(failures)}");

        // Every acknowledged publish is stored once, at the sequence its ack named.
        Assert.Equal(acked.Count, acked.Values.Distinct().Count());
        var after = await adminJs.GetStreamAsync(name);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(after.Cluster));
        Assert.Equal(cluster.Name, after.Cluster!.Name);
        Assert.False(Assert.Single(after.Cluster.Replicas!, r => r.Name == leader.ServerName).Current);
        var state = after.State;
        Assert.True((ulong)acked.Count == state.Messages, $"{acked.Count} acked, {state.Messages} stored; publish failures: {Describe(failures)}");
        Assert.Equal(state.Messages, state.LastSeq);
        foreach (var (value, seq) in acked)
        {
            var stored = await adminJs.GetMsgAsync(name, new StreamMsgGetRequest { Seq = seq });
            Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(stored.Data.Span));
        }

        // The consume carried on across the failover and got every message (at least once).
        await PollAsync(() => acked.Keys.All(consumed.ContainsKey), "the consumer to receive every acknowledged message", consuming);
        await stopConsuming.CancelAsync();
        await consuming.WaitAsync(Generous);
        output.WriteLine($"{consumed.Values.Count(n => n > 1)} messages were delivered more than once");
    }

    private async Task<StreamInfo> CreateR3StreamAsync(INatsJSContext js, string name)
    {
        var config = new StreamConfig(name, [$"{name}.>"]) { NumReplicas = 3, Storage = StreamStorage.File };
        var deadline = DateTime.UtcNow + Generous;
        while (true)
        {
            try
            {
                // A fresh cluster answers "temporarily unavailable" (or not at all) until its meta leader is elected.
                await js.CreateStreamAsync(config);
                break;
            }
            catch (NatsException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }

        await WaitForLeaderAsync(js, name, _ => true);
        return await js.GetStreamAsync(name);
    }

    /// <summary>Polls stream info until it names a leader that <paramref name="accept"/> accepts.</summary>
    private async Task<string> WaitForLeaderAsync(INatsJSContext js, string name, Func<string, bool> accept)
    {
        // Short requests: one sent before the election ends would otherwise be waited out to its end.
        js = js.Connection.CreateJetStreamContext(js.Opts with { RequestTimeout = TimeSpan.FromSeconds(1) });
        var deadline = DateTime.UtcNow + Generous;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                // Stream info is answered by the leader: during an election it times out or says the stream is offline.
                last = (await js.GetStreamAsync(name)).Cluster?.Leader;
                if (last is { Length: > 0 } leader && accept(leader))
                {
                    return leader;
                }
            }
            catch (NatsException e)
            {
                Log($"stream info: {e.Message}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Stream {name} had no acceptable leader within {Generous.TotalSeconds:0}s (last seen: {last ?? "none"}).");
    }

    /// <summary>
    /// Publishes 0, 1, 2… one at a time, each with its own Nats-Msg-Id so that retrying one whose ack was lost (a
    /// timeout while the leader died) cannot store it twice. Stops between messages, so the last one is acked too.
    /// </summary>
    private async Task PublishUntilStoppedAsync(INatsJSContext js, string subject, ConcurrentDictionary<int, ulong> acked, ConcurrentDictionary<string, int> failures, CancellationToken stop)
    {
        var opts = new NatsJSPubOpts { RetryAttempts = 5, RetryWait = TimeSpan.FromMilliseconds(100) };
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var deadline = DateTime.UtcNow + Generous;
            while (true)
            {
                try
                {
                    var ack = await js.PublishAsync(subject, i, opts with { MsgId = $"m-{i}" }, cancellationToken: CancellationToken.None);
                    acked[i] = ack.Seq;
                    break;
                }
                catch (NatsException e) when (DateTime.UtcNow < deadline)
                {
                    failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                    Log($"publish {i}: {e.Message}");
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }
    }

    private static async Task ConsumeAsync(INatsJSConsumer consumer, ConcurrentDictionary<int, int> consumed, CancellationToken stop)
    {
        try
        {
            await foreach (var msg in consumer.ConsumeAsync<int>(JS.FastConsume(), cancellationToken: stop))
            {
                consumed.AddOrUpdate(msg.Data, 1, (_, n) => n + 1);
                try
                {
                    await msg.AckAsync(stop);
                }
                catch (NatsException)
                {
                    // Lost with the connection: the message comes again after ack wait (at least once).
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Polls <paramref name="condition"/>, failing at once with the error of a background loop that died.</summary>
    private static async Task PollAsync(Func<bool> condition, string what, params Task[] loops)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            if (loops.FirstOrDefault(l => l.IsCompleted) is { } ended)
            {
                await ended;
                throw new InvalidOperationException($"A background loop ended while waiting for {what}.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Publishes 0, 1, 2… through the async publisher in windows of 100, each with its own Nats-Msg-Id; what fails
    /// (timeouts and no responders while the leader is gone) goes again with the same id in the next window.
    /// </summary>
    private async Task PublishWindowsUntilStoppedAsync(INatsJSContext js, string subject, ConcurrentDictionary<int, ulong> acked, ConcurrentDictionary<string, int> failures, CancellationToken stop)
    {
        await using var publisher = js.CreatePublisher(new NatsJSPublisherOpts { MaxInFlight = 32, AckTimeout = TimeSpan.FromSeconds(2) });
        var again = new List<int>();
        var next = 0;
        var deadline = DateTime.UtcNow + Generous;
        var lastLog = DateTime.MinValue;
        while (!stop.IsCancellationRequested || again.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{again.Count} publishes still failing; failures: {Describe(failures)}");
            }

            var window = again.Count > 0 ? again : Enumerable.Range(next, 100).ToList();
            next = Math.Max(next, window[^1] + 1);
            again = [];
            var futures = new List<(int Value, NatsJSPublishFuture Future)>();
            string? firstError = null;
            foreach (var value in window)
            {
                try
                {
                    futures.Add((value, await publisher.PublishAsync(subject, value, new NatsJSPubOpts { MsgId = $"m-{value}" }, cancellationToken: CancellationToken.None)));
                }
                catch (NatsException e)
                {
                    failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                    firstError ??= e.Message;
                    again.Add(value);
                }
            }

            foreach (var (value, future) in futures)
            {
                try
                {
                    acked[value] = (await future).Seq;
                }
                catch (NatsException e)
                {
                    failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                    firstError ??= e.Message;
                    again.Add(value);
                }
            }

            if (again.Count > 0)
            {
                if (DateTime.UtcNow - lastLog > TimeSpan.FromSeconds(1))
                {
                    Log($"{again.Count} of a window of {window.Count} failed, e.g. {firstError}");
                    lastLog = DateTime.UtcNow;
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private void Log(string line) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

    private static string Describe(ConcurrentDictionary<string, int> failures) =>
        failures.IsEmpty ? "none" : string.Join(", ", failures.Select(f => $"{f.Key} x{f.Value}"));
}
