using System.Collections.Concurrent;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;

namespace Fluo.Web.Live;

/// <summary>
/// The latest status of every job in the <c>fluo_jobs</c> bucket, kept by the KV watch (for counts and the Jobs page).
/// The counts per state are kept as statuses arrive: the board holds every job the bucket holds, a trace_analysis job
/// per accepted trace, so counting them on every metrics sample grew with the bucket.
/// </summary>
public sealed class JobBoard
{
    private static readonly JobState[] States = Enum.GetValues<JobState>();
    private static readonly string[] Names = [.. States.Select(s => JsonSerializer.Serialize(s, FluoJsonContext.Default.JobState).Trim('"'))];

    private readonly ConcurrentDictionary<Guid, JobStatus> _jobs = new();
    private readonly long[] _counts = new long[States.Length];
    private long _traceAnalysesSeen;

    /// <summary>trace_analysis jobs seen for the first time since start (traces/s is its rate).</summary>
    public long TraceAnalysesSeen => Interlocked.Read(ref _traceAnalysesSeen);

    /// <summary>Records a status (JSON of <see cref="JobStatus"/>); deletes remove the job.</summary>
    public void Apply(Guid jobId, ReadOnlyMemory<byte> json, bool deleted)
    {
        if (deleted)
        {
            if (_jobs.TryRemove(jobId, out var removed))
            {
                Count(removed.State, -1);
            }

            return;
        }

        JobStatus? status;
        try
        {
            status = JsonSerializer.Deserialize(json.Span, FluoJsonContext.Default.JobStatus);
        }
        catch (JsonException)
        {
            return;
        }

        // A state this build does not know (a number outside the enum) is as unreadable as bad JSON.
        if (status is null || !Enum.IsDefined(status.State))
        {
            return;
        }

        while (true)
        {
            if (_jobs.TryGetValue(jobId, out var previous))
            {
                if (_jobs.TryUpdate(jobId, status, previous))
                {
                    Count(previous.State, -1);
                    Count(status.State, 1);
                    return;
                }
            }
            else if (_jobs.TryAdd(jobId, status))
            {
                Count(status.State, 1);
                if (status.Type == JobType.TraceAnalysis)
                {
                    Interlocked.Increment(ref _traceAnalysesSeen);
                }

                return;
            }
        }
    }

    /// <summary>Jobs per state name.</summary>
    public Dictionary<string, long> CountByState()
    {
        var counts = new Dictionary<string, long>(States.Length, StringComparer.Ordinal);
        for (var i = 0; i < States.Length; i++)
        {
            counts[Names[i]] = Interlocked.Read(ref _counts[i]);
        }

        return counts;
    }

    /// <summary>The most recently updated jobs.</summary>
    public IReadOnlyList<JobStatus> Recent(int count) => [.. _jobs.Values.OrderByDescending(j => j.UpdatedAt).Take(count)];

    /// <summary>The lowercase JSON name of a state.</summary>
    public static string Name(JobState state) => Names[Array.IndexOf(States, state)];

    private void Count(JobState state, long delta) => Interlocked.Add(ref _counts[Array.IndexOf(States, state)], delta);
}
