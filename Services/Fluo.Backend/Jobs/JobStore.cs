using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Npgsql;

namespace Fluo.Backend.Jobs;

/// <summary>Reads the jobs the Api records and records the state workers finish them in.</summary>
internal sealed class JobStore(NpgsqlDataSource dataSource)
{
    /// <summary>The largest <see cref="JobListRequest.Limit"/>.</summary>
    public const int MaxList = 500;

    private const string Columns = "id, type, state, created_at, updated_at, subject, status";

    /// <summary>jobs.get: one job by id.</summary>
    public async Task<JobRecord> GetAsync(IdRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.Id);
        await using var command = dataSource.Command($"SELECT {Columns} FROM jobs WHERE id = @id", ("id", request.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : throw BackendError.NotFound($"Job {request.Id} does not exist.");
    }

    /// <summary>jobs.list: the newest jobs, optionally in one state.</summary>
    public async Task<JobList> ListAsync(JobListRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckLimit(request.Limit, MaxList);
        if (request.State is { } s)
        {
            BackendError.CheckDefined(s, "state");
        }

        await using var command = request.State is { } state
            ? dataSource.Command($"SELECT {Columns} FROM jobs WHERE state = @state ORDER BY created_at DESC, id DESC LIMIT @limit", ("state", DbNames.Of(state)), ("limit", request.Limit))
            : dataSource.Command($"SELECT {Columns} FROM jobs ORDER BY created_at DESC, id DESC LIMIT @limit", ("limit", request.Limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(Read(reader));
        }

        return new JobList(jobs);
    }

    /// <summary>
    /// jobs.complete: records the state (and the status document) a worker reports. A finished job does not go back
    /// to queued or running (409), a status for another kind of job is refused (409), an unknown job is 404.
    /// </summary>
    public async Task<JobRecord> CompleteAsync(JobStatus status, CancellationToken cancellationToken)
    {
        BackendError.CheckId(status.JobId, "jobId");
        BackendError.CheckDefined(status.Type, "type");
        BackendError.CheckDefined(status.State, "state");
        if (!double.IsFinite(status.Progress) || status.Progress is < 0 or > 1)
        {
            throw BackendError.BadRequest($"progress must be between 0 and 1, not {status.Progress}.");
        }

        // One round trip when the change is allowed: the conditions are in the UPDATE itself, which re-checks them
        // on the newest row version if a concurrent writer got there first. Only a refused change reads the row to explain.
        await using (var update = dataSource.Command(
            $"UPDATE jobs SET state = @state, status = @status, updated_at = now() " +
            $"WHERE id = @id AND type = @type AND (@final OR state <> ALL(@finals)) RETURNING {Columns}",
            ("id", status.JobId), ("type", DbNames.Of(status.Type)), ("state", DbNames.Of(status.State)), ("final", DbNames.IsFinal(status.State)), ("finals", DbNames.FinalStates)))
        {
            update.Parameters.Add(DataSourceExtensions.Jsonb("status", status, FluoJsonContext.Default.JobStatus));
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return Read(reader);
            }
        }

        await using var current = dataSource.Command("SELECT type, state FROM jobs WHERE id = @id", ("id", status.JobId));
        await using var row = await current.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            throw BackendError.NotFound($"Job {status.JobId} does not exist.");
        }

        var type = DbNames.JobTypeOf(row.GetString(0));
        var state = DbNames.JobStateOf(row.GetString(1));
        throw type != status.Type
            ? BackendError.Conflict($"Job {status.JobId} is a {DbNames.Of(type)} job, not {DbNames.Of(status.Type)}.")
            : BackendError.Conflict($"Job {status.JobId} is already {DbNames.Of(state)}; it cannot become {DbNames.Of(status.State)}.");
    }

    private static JobRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        DbNames.JobTypeOf(reader.GetString(1)),
        DbNames.JobStateOf(reader.GetString(2)),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetString(5),
        reader.GetJson(6, FluoJsonContext.Default.JobStatus));
}
