using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Messaging;
using Fluo.Nats.JetStream;
using Fluo.Processes;
using Fluo.SystemTests.Support;

namespace Fluo.SystemTests;

/// <summary>Faults on the whole system, each on a system of its own: dead letters, a killed worker, NATS away.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task A_job_that_fails_on_every_delivery_lands_in_the_dlq_with_status_dead()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        await using var system = await FluoSystem.StartAsync(cancellationToken: ct);
        await system.CreateRuleAsync("any", "span.name == \"never\"", cancellationToken: ct);

        // A frozen backend answers nothing: every attempt of the job times out (a transient failure) until
        // the last delivery moves it to the dead-letter stream.
        var backend = system.ProcessIds("backend");
        foreach (var pid in backend)
        {
            Posix.Signal(pid, 19); // SIGSTOP
        }

        try
        {
            var jobId = await system.PostTraceAsync(FluoSystem.Trace(FluoSystem.NewTraceId()), ct);
            var status = await system.WaitForJobAsync(jobId, "dead", ct);
            Assert.Equal(FluoTopology.MaxDeliver, status.GetProperty("attempt").GetInt32());

            var js = system.Nats.CreateJetStreamContext();
            var dead = await js.GetMsgAsync(FluoTopology.DeadLetterStream, new StreamMsgGetRequest { LastBySubj = Subjects.DeadLetterFor(Subjects.TraceAnalysis) }, ct);
            Assert.Equal(Subjects.TraceAnalysis, dead.Headers![FluoHeaders.OriginalSubject].ToString());
            Assert.False(string.IsNullOrEmpty(dead.Headers[FluoHeaders.LastError].ToString()));
            Assert.Equal(jobId.ToString("N"), dead.Headers["Nats-Msg-Id"].ToString().Replace("-", "", StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty(dead.Headers["traceparent"].ToString()));
            using var payload = JsonDocument.Parse(dead.Data);
            Assert.Equal(jobId, payload.RootElement.GetProperty("jobId").GetGuid());
        }
        finally
        {
            foreach (var pid in backend)
            {
                Posix.Signal(pid, 18); // SIGCONT
            }
        }
    }

    [Fact]
    public async Task Killing_a_worker_mid_run_loses_no_job_and_doubles_no_effect()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        await using var system = await FluoSystem.StartAsync(cancellationToken: ct);
        await system.CreateRuleAsync("every trace", "span.name == \"GET /checkout\"", cancellationToken: ct);
        var js = system.Nats.CreateJetStreamContext();
        await js.CreateOrUpdateConsumerAsync(FluoTopology.SignalsStream, new ConsumerConfig("count-created") { FilterSubject = Subjects.SignalCreated, AckPolicy = ConsumerAckPolicy.None }, ct);

        const int Traces = 300;
        var ids = Enumerable.Range(0, Traces).Select(_ => FluoSystem.NewTraceId()).ToList();
        var posting = Task.Run(async () =>
        {
            foreach (var id in ids)
            {
                await system.PostTraceAsync(FluoSystem.Trace(id), ct);
            }
        }, ct);

        // Kill one worker replica once work is flowing.
        while (await system.ScalarAsync("SELECT count(*) FROM signals", ct) < 20)
        {
            await Task.Delay(50, ct);
        }

        var victim = system.ProcessIds("worker")[0];
        Assert.True(Posix.Signal(victim, Posix.SigKill));
        await posting;

        while (await system.ScalarAsync("SELECT count(*) FROM signals", ct) < Traces)
        {
            await Task.Delay(200, ct);
        }

        // Each trace exactly one signal, each signal announced exactly once.
        Assert.Equal(Traces, await system.ScalarAsync("SELECT count(DISTINCT trace_id) FROM signals", ct));
        await Task.Delay(1000, ct);
        Assert.Equal(Traces, await system.ScalarAsync("SELECT count(*) FROM signals", ct));
        // Jobs the killed worker held come back after the ack wait (30 s); their signals are announced then, once.
        while ((await js.GetConsumerInfoAsync(FluoTopology.SignalsStream, "count-created", ct)).NumPending < Traces)
        {
            await Task.Delay(500, ct);
        }

        await Task.Delay(2000, ct);
        Assert.Equal((ulong)Traces, (await js.GetConsumerInfoAsync(FluoTopology.SignalsStream, "count-created", ct)).NumPending);

        // A job the killed worker finished but never acked comes back after the ack wait, is done again without new
        // effects (the counts above stay), and leaves the work queue.
        while ((await js.GetStreamAsync(FluoTopology.JobsStream, ct)).State.Messages > 0)
        {
            await Task.Delay(500, ct);
        }

        Assert.Equal(Traces, await system.ScalarAsync("SELECT count(*) FROM signals", ct));
        Assert.Equal((ulong)Traces, (await js.GetConsumerInfoAsync(FluoTopology.SignalsStream, "count-created", ct)).NumPending);
    }

    [Fact]
    public async Task Traces_accepted_while_nats_is_away_are_all_analysed_once_it_returns()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        await using var system = await FluoSystem.StartAsync(cancellationToken: ct);
        await system.CreateRuleAsync("every trace", "span.name == \"GET /checkout\"", cancellationToken: ct);

        // Let the rule's back-test job leave the outbox first, so the count below is ours alone.
        while (await system.ScalarAsync("SELECT count(*) FROM outbox", ct) > 0)
        {
            await Task.Delay(100, ct);
        }

        var nats = system.ProcessIds("nats");
        var ids = Enumerable.Range(0, 50).Select(_ => FluoSystem.NewTraceId()).ToList();
        foreach (var pid in nats)
        {
            Posix.Signal(pid, 19); // SIGSTOP: the server is there but answers nothing
        }

        try
        {
            foreach (var id in ids)
            {
                await system.PostTraceAsync(FluoSystem.Trace(id), ct);
            }

            Assert.Equal(50, await system.ScalarAsync("SELECT count(*) FROM outbox", ct));
        }
        finally
        {
            foreach (var pid in nats)
            {
                Posix.Signal(pid, 18); // SIGCONT
            }
        }

        foreach (var id in ids)
        {
            await system.WaitForSignalsAsync(id, 1, ct);
        }

        Assert.Equal(50, await system.ScalarAsync("SELECT count(*) FROM signals", ct));
        Assert.Equal(50, await system.ScalarAsync("SELECT count(DISTINCT trace_id) FROM signals", ct));
    }
}
