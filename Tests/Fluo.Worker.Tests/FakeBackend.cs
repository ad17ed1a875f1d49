using System.Collections.Concurrent;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Contracts.Traces;
using Fluo.Nats;
using Fluo.Nats.Services;

namespace Fluo.Worker.Tests;

/// <summary>
/// A stand-in for the Backend: the real micro-service server (<see cref="NatsSvcServer"/>, so errors come back with
/// the same Nats-Service-Error headers) with in-memory state and injectable failures.
/// </summary>
internal sealed class FakeBackend : IAsyncDisposable
{
    private readonly NatsSvcServer _server;

    private FakeBackend(NatsSvcServer server) => _server = server;

    public ConcurrentDictionary<Guid, Rule> Rules { get; } = new();

    public ConcurrentDictionary<(Guid Job, Guid Rule), Signal> Recorded { get; } = new();

    public List<Signal> StoredSignals { get; } = [];

    public List<TraceDocument> Traces { get; } = [];

    public ConcurrentQueue<JobStatus> Completed { get; } = new();

    public ConcurrentDictionary<(Guid Export, int Index), byte[]> Chunks { get; } = new();

    public ConcurrentQueue<ExportCompleteRequest> ExportsCompleted { get; } = new();

    public ConcurrentQueue<SignalQuery> SignalQueries { get; } = new();

    public int RecordCalls;

    /// <summary>Requests received per batch subject.</summary>
    public ConcurrentDictionary<string, int> BatchRequests { get; } = new();

    /// <summary>Jobs whose items the batch endpoints refuse with this code (the other items of the batch work).</summary>
    public ConcurrentDictionary<Guid, int> Refused { get; } = new();

    /// <summary>
    /// Subjects that answer with this service error code instead of working. A single endpoint's subject fails each of
    /// its items in a batch request; a batch subject fails the whole request.
    /// </summary>
    public ConcurrentDictionary<string, int> Failing { get; } = new();

    /// <summary>Subjects that answer only after this delay (a single endpoint's subject delays its batch requests too).</summary>
    public ConcurrentDictionary<string, TimeSpan> Slow { get; } = new();

    /// <summary>Pages of at most <see cref="TracePageSize"/>, as the real Backend pages large traces, so callers must follow the cursor.</summary>
    public int TracePageSize { get; set; } = 2;

    private TraceList RecentPage(RecentTracesRequest request)
    {
        var from = request.Before is { } before ? Traces.FindIndex(t => t.TraceId == before.TraceId) + 1 : 0;
        var page = Traces.Skip(from).Take(Math.Min(request.Limit, TracePageSize)).ToList();
        var more = page.Count < request.Limit && from + page.Count < Traces.Count;
        return new TraceList(page, more ? new TraceCursor(DateTimeOffset.UnixEpoch, page[^1].TraceId) : null);
    }

    public static async Task<FakeBackend> StartAsync(INatsConnection connection)
    {
        var server = await connection.AddServiceAsync(new NatsSvcConfig(BackendSubjects.ServiceName, "0.0.1-test") { QueueGroup = BackendSubjects.QueueGroup });
        var backend = new FakeBackend(server);
        await backend.AddAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, r => new RuleList([.. backend.Rules.Values.Where(x => !r.EnabledOnly || x.Enabled)]));
        await backend.AddAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecord, backend.Record);
        await backend.AddAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, backend.RecentPage);
        await backend.AddAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, q =>
        {
            backend.SignalQueries.Enqueue(q);
            var matching = backend.StoredSignals.Where(s => q.Filter.RuleId is null || s.RuleId == q.Filter.RuleId).ToList();
            return new SignalPage([.. matching.Skip(q.Offset).Take(q.Limit)], matching.Count, q.Offset, q.Limit);
        });
        await backend.AddAsync<ExportChunk, Ack>(BackendSubjects.ExportsAppend, c =>
        {
            backend.Chunks[(c.ExportId, c.Index)] = c.Content;
            return new Ack();
        });
        await backend.AddAsync<ExportCompleteRequest, ExportInfo>(BackendSubjects.ExportsComplete, c =>
        {
            backend.ExportsCompleted.Enqueue(c);
            return new ExportInfo(c.ExportId, Guid.Empty, "csv", new SignalFilter(), true, c.Chunks, c.Rows, c.Bytes, DateTimeOffset.UtcNow);
        });
        await backend.AddAsync<JobStatus, JobRecord>(BackendSubjects.JobsComplete, backend.Complete);
        await backend.AddBatchAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecordBatch, BackendSubjects.SignalsRecord, r => r.JobId, backend.Record);
        await backend.AddBatchAsync<JobStatus, JobRecord>(BackendSubjects.JobsCompleteBatch, BackendSubjects.JobsComplete, s => s.JobId, backend.Complete);
        await connection.PingAsync();
        return backend;
    }

    public Rule AddRule(string name, string expression, Severity severity = Severity.Error, bool enabled = true)
    {
        var rule = new Rule(Guid.NewGuid(), name, severity, enabled, expression, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1);
        Rules[rule.Id] = rule;
        return rule;
    }

    private JobRecord Complete(JobStatus status)
    {
        Completed.Enqueue(status);
        return new JobRecord(status.JobId, status.Type, status.State, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "jobs.x", status);
    }

    private RecordSignalsReply Record(RecordSignalsRequest request)
    {
        Interlocked.Increment(ref RecordCalls);
        var created = 0;
        var signals = request.Violations.Select(v => Recorded.GetOrAdd((request.JobId, v.RuleId), _ =>
        {
            created++;
            return new Signal(Guid.NewGuid(), v.RuleId, v.RuleName, request.TraceId, request.JobId, v.OffendingSpanIds, v.Severity, SignalStatus.Open, DateTimeOffset.UtcNow, null, null);
        })).ToList();

        // As the Backend does: the completion is recorded after the signals, its analysis result naming their ids in order.
        var job = request.Completion is { Result: { Analysis: { } analysis } result } completion
            ? Complete(completion with { Result = result with { Analysis = analysis with { SignalIds = [.. signals.Select(s => s.Id)] } } })
            : null;
        return new RecordSignalsReply(signals, created, job);
    }

    private ValueTask AddAsync<TRequest, TReply>(string subject, Func<TRequest, TReply> handle) =>
        _server.AddEndpointAsync<TRequest>(async msg =>
        {
            if (Failing.TryGetValue(subject, out var code))
            {
                throw new NatsSvcEndpointException(code, $"injected failure on {subject}");
            }

            if (Slow.TryGetValue(subject, out var delay))
            {
                await Task.Delay(delay);
            }

            await msg.ReplyAsync(handle(msg.Data!));
        }, subject.Replace('.', '-'), subject);

    /// <summary>A batch endpoint answering each item as the single endpoint <paramref name="single"/> would, honouring its injected failures.</summary>
    private ValueTask AddBatchAsync<TItem, TResult>(string subject, string single, Func<TItem, Guid> jobOf, Func<TItem, TResult> handle)
        where TResult : class =>
        _server.AddEndpointAsync<BatchRequest<TItem>>(async msg =>
        {
            BatchRequests.AddOrUpdate(subject, 1, (_, n) => n + 1);
            if (Failing.TryGetValue(subject, out var whole))
            {
                throw new NatsSvcEndpointException(whole, $"injected failure on {subject}");
            }

            if (Slow.TryGetValue(single, out var delay))
            {
                await Task.Delay(delay);
            }

            var outcomes = msg.Data!.Items.Select(item =>
                Failing.TryGetValue(single, out var code) ? new BatchOutcome<TResult>(Error: new BatchError(code, $"injected failure on {single}"))
                : Refused.TryGetValue(jobOf(item), out var refused) ? new BatchOutcome<TResult>(Error: new BatchError(refused, $"injected refusal of job {jobOf(item)}"))
                : new BatchOutcome<TResult>(handle(item))).ToList();
            await msg.ReplyAsync(new BatchReply<TResult>(outcomes));
        }, subject.Replace('.', '-'), subject);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
