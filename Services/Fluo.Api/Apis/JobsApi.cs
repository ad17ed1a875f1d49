using System.Text.Json;
using Fluo.Api.Backend;
using Fluo.Api.Infrastructure;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fluo.Api.Apis;

/// <summary><c>/api/jobs</c>: a job's live status (key-value bucket, else the backend's record), lists, and a status event stream.</summary>
public static class JobsApi
{
    /// <summary>Maps the jobs route group.</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/jobs").WithTags("Jobs");
        api.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("List jobs, newest first (state, limit)");
        api.MapGet("/{id:guid}", GetAsync).WithName("GetJob").WithSummary("Get a job's status");
        api.MapGet("/{id:guid}/events", EventsAsync).WithName("JobEvents")
            .WithSummary("Server-sent events of a job's status: the current one, then each change, until it finishes")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    internal static async Task<Results<Ok<JobList>, ValidationProblem>> ListAsync(string? state, string? limit, BackendClient backend, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        JobState? parsed = null;
        if (state is not null)
        {
            if (TryParseState(state, out var s))
            {
                parsed = s;
            }
            else
            {
                validation.Add("state", "must be queued, running, succeeded, failed or dead");
            }
        }

        var take = SignalsApi.ParseInt(validation, "limit", limit, 50, 1, 500);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors, detail: "The query has invalid values; see errors.", title: "Invalid query");
        }

        return TypedResults.Ok(await backend.RequestAsync<JobListRequest, JobList>(BackendSubjects.JobsList, new JobListRequest(parsed, take), cancellationToken));
    }

    internal static async Task<Ok<JobStatus>> GetAsync(Guid id, JobStatusStore store, BackendClient backend, CancellationToken cancellationToken) =>
        TypedResults.Ok(await CurrentAsync(id, store, backend, cancellationToken));

    internal static async Task EventsAsync(Guid id, HttpContext http, JobStatusStore store, BackendClient backend, IOptions<ApiOptions> options)
    {
        var aborted = http.RequestAborted;
        // Resolving first gives a 404/503 ProblemDetails before the stream starts.
        var current = await CurrentAsync(id, store, backend, aborted);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteStatusAsync(http.Response, current, aborted);
        if (IsTerminal(current.State))
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        await using var updates = store.WatchAsync(id, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = updates.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                var heartbeat = Task.Delay(options.Value.SseHeartbeat, stop.Token);
                if (await Task.WhenAny(next, heartbeat) != next)
                {
                    await http.Response.WriteAsync(": heartbeat\n\n", aborted);
                    await http.Response.Body.FlushAsync(aborted);
                    continue;
                }

                if (!await next || updates.Current.Value is not { } status)
                {
                    return;
                }

                if (status.UpdatedAt >= current.UpdatedAt || status.State != current.State)
                {
                    current = status;
                    await WriteStatusAsync(http.Response, status, aborted);
                }

                if (IsTerminal(status.State))
                {
                    return;
                }

                next = updates.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
                // The watch ends with the request.
            }
        }
    }

    private static async Task<JobStatus> CurrentAsync(Guid id, JobStatusStore store, BackendClient backend, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.TryGetAsync(id, cancellationToken) is { Value: { } status })
            {
                return status;
            }
        }
        catch (Fluo.Nats.NatsException)
        {
            // The bucket is unreachable: the backend's record is the next best answer.
        }

        var record = await backend.RequestAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(id), cancellationToken);
        return record.Status ?? new JobStatus(record.JobId, record.Type, record.State, record.State == JobState.Succeeded ? 1 : 0, 0, null, null, record.UpdatedAt);
    }

    private static async Task WriteStatusAsync(HttpResponse response, JobStatus status, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(status, FluoJsonContext.Default.JobStatus);
        await response.WriteAsync($"event: status\ndata: {json}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static bool IsTerminal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Dead;

    private static bool TryParseState(string value, out JobState state)
    {
        state = value switch
        {
            "queued" => JobState.Queued,
            "running" => JobState.Running,
            "succeeded" => JobState.Succeeded,
            "failed" => JobState.Failed,
            "dead" => JobState.Dead,
            _ => (JobState)(-1),
        };
        return (int)state >= 0;
    }
}
