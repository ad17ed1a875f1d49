using System.Collections.Concurrent;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;

namespace Fluo.Web.Live;

/// <summary>The latest status of every job in the <c>fluo_jobs</c> bucket, kept by the KV watch (for counts and the Jobs page).</summary>
public sealed class JobBoard
{
    private readonly ConcurrentDictionary<Guid, JobStatus> _jobs = new();
    private long _traceAnalysesSeen;

    /// <summary>trace_analysis jobs seen for the first time since start (traces/s is its rate).</summary>
    public long TraceAnalysesSeen => Interlocked.Read(ref _traceAnalysesSeen);

    /// <summary>Records a status (JSON of <see cref="JobStatus"/>); deletes remove the job.</summary>
    public void Apply(Guid jobId, ReadOnlyMemory<byte> json, bool deleted)
    {
        if (deleted)
        {
            _jobs.TryRemove(jobId, out _);
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

        if (status is null)
        {
            return;
        }

        if (_jobs.TryAdd(jobId, status))
        {
            if (status.Type == JobType.TraceAnalysis)
            {
                Interlocked.Increment(ref _traceAnalysesSeen);
            }
        }
        else
        {
            _jobs[jobId] = status;
        }
    }

    /// <summary>Jobs per state name.</summary>
    public Dictionary<string, long> CountByState()
    {
        var counts = Enum.GetValues<JobState>().ToDictionary(s => Name(s), _ => 0L, StringComparer.Ordinal);
        foreach (var job in _jobs.Values)
        {
            counts[Name(job.State)]++;
        }

        return counts;
    }

    /// <summary>The most recently updated jobs.</summary>
    public IReadOnlyList<JobStatus> Recent(int count) => [.. _jobs.Values.OrderByDescending(j => j.UpdatedAt).Take(count)];

    /// <summary>The lowercase JSON name of a state.</summary>
    public static string Name(JobState state) => JsonSerializer.Serialize(state, FluoJsonContext.Default.JobState).Trim('"');
}
