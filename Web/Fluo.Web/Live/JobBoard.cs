using System.Runtime.InteropServices;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;

namespace Fluo.Web.Live;

/// <summary>
/// What the KV watch of the <c>fluo_jobs</c> bucket shows: the count of jobs per state, and the latest statuses of the
/// most recently updated jobs (for the Jobs page). The bucket holds a trace_analysis job per accepted trace for a day,
/// so the board keeps only each job's state (needed to move it between counts) and a bounded list of whole statuses:
/// its memory per job is a few dozen bytes, not a status document, and no sample walks every job.
/// </summary>
public sealed class JobBoard
{
    /// <summary>How many of the most recently updated jobs keep their whole status.</summary>
    public const int RecentCapacity = 1_000;

    private static readonly JobState[] States = Enum.GetValues<JobState>();
    private static readonly string[] Names = [.. States.Select(s => JsonSerializer.Serialize(s, FluoJsonContext.Default.JobState).Trim('"'))];

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, JobState> _states = [];
    private readonly LinkedList<(Guid JobId, JobStatus Status)> _recent = new();
    private readonly Dictionary<Guid, LinkedListNode<(Guid JobId, JobStatus Status)>> _recentById = [];
    private readonly long[] _counts = new long[States.Length];
    private long _traceAnalysesSeen;

    /// <summary>trace_analysis jobs seen for the first time since start (traces/s is its rate).</summary>
    public long TraceAnalysesSeen => Interlocked.Read(ref _traceAnalysesSeen);

    /// <summary>Records a status (JSON of <see cref="JobStatus"/>); deletes remove the job.</summary>
    public void Apply(Guid jobId, ReadOnlyMemory<byte> json, bool deleted)
    {
        if (deleted)
        {
            lock (_gate)
            {
                if (_states.Remove(jobId, out var removed))
                {
                    Count(removed, -1);
                }

                if (_recentById.Remove(jobId, out var node))
                {
                    _recent.Remove(node);
                }
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

        lock (_gate)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_states, jobId, out var known);
            if (known)
            {
                Count(state, -1);
            }
            else if (status.Type == JobType.TraceAnalysis)
            {
                Interlocked.Increment(ref _traceAnalysesSeen);
            }

            state = status.State;
            Count(state, 1);

            // A job already in the list moves to the front in its own node.
            if (_recentById.TryGetValue(jobId, out var node))
            {
                _recent.Remove(node);
                node.Value = (jobId, status);
                _recent.AddFirst(node);
                return;
            }

            _recentById[jobId] = _recent.AddFirst((jobId, status));
            if (_recent.Count > RecentCapacity)
            {
                _recentById.Remove(_recent.Last!.Value.JobId);
                _recent.RemoveLast();
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

    /// <summary>The latest statuses of the most recently updated jobs (at most <see cref="RecentCapacity"/>), newest first.</summary>
    public IReadOnlyList<JobStatus> Recent(int count)
    {
        lock (_gate)
        {
            return [.. _recent.Take(count).Select(r => r.Status)];
        }
    }

    /// <summary>The lowercase JSON name of a state.</summary>
    public static string Name(JobState state) => Names[Array.IndexOf(States, state)];

    private void Count(JobState state, long delta) => Interlocked.Add(ref _counts[Array.IndexOf(States, state)], delta);
}
