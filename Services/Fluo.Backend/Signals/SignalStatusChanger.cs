using System.Text.Json;
using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Signals;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Npgsql;

namespace Fluo.Backend.Signals;

/// <summary>
/// signals.status: opens or resolves a signal and, when that changed it, announces the change on
/// <c>signals.status.resolved</c> / <c>signals.status.open</c>. The event is written to the outbox in the transaction
/// that changes the signal and published right after the commit with <c>Nats-Msg-Id</c> = the outbox id; if that
/// publish fails the row stays unsent for the outbox relay, so an accepted change is never left unannounced.
/// </summary>
internal sealed class SignalStatusChanger(NpgsqlDataSource dataSource, INatsJSContext js, ILogger<SignalStatusChanger> logger)
{
    /// <summary>The longest <see cref="ResolveSignalRequest.By"/>.</summary>
    public const int MaxByLength = 200;

    public async Task<Signal> SetStatusAsync(ResolveSignalRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.Id);
        BackendError.CheckDefined(request.Status, "status");
        var by = string.IsNullOrWhiteSpace(request.By) ? null : request.By.Trim();
        if (request.Status == SignalStatus.Resolved && by is null)
        {
            throw BackendError.BadRequest("by (who resolves the signal) is required.");
        }

        if (by is { Length: > MaxByLength })
        {
            throw BackendError.BadRequest($"by must be at most {MaxByLength} characters.");
        }

        var status = DbNames.Of(request.Status);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        Signal? changed = null;
        DateTimeOffset changedAt = default;
        // The WHERE re-checks the status under the row lock: of two concurrent identical requests only one changes it.
        await using (var update = new NpgsqlCommand(
            $"UPDATE signals SET status = @status, " +
            "resolved_at = CASE WHEN @status = 'resolved' THEN now() END, resolved_by = CASE WHEN @status = 'resolved' THEN @by END " +
            $"WHERE id = @id AND status <> @status RETURNING {SignalRows.Columns}, now()", connection, transaction))
        {
            update.AddParameters(("id", request.Id), ("status", status), ("by", by));
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                changed = SignalRows.Read(reader);
                changedAt = reader.GetFieldValue<DateTimeOffset>(11);
            }
        }

        if (changed is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            await using var get = new NpgsqlCommand($"SELECT {SignalRows.Columns} FROM signals WHERE id = @id", connection);
            get.AddParameters(("id", request.Id));
            await using var reader = await get.ExecuteReaderAsync(cancellationToken);
            // Unchanged: already in that status, so no event.
            return await reader.ReadAsync(cancellationToken) ? SignalRows.Read(reader) : throw BackendError.NotFound($"Signal {request.Id} does not exist.");
        }

        var subject = request.Status == SignalStatus.Resolved ? Subjects.SignalResolved : Subjects.SignalOpened;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new SignalStatusChanged(changed, changedAt, by), FluoJsonContext.Default.SignalStatusChanged);
        var outboxId = Guid.CreateVersion7();
        await using (var outbox = new NpgsqlCommand("INSERT INTO outbox (id, subject, payload) VALUES (@id, @subject, @payload)", connection, transaction))
        {
            outbox.AddParameters(("id", outboxId), ("subject", subject), ("payload", payload));
            await outbox.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await PublishAsync(connection, subject, payload, changed.Id, outboxId, cancellationToken);
        return changed;
    }

    private async Task PublishAsync(NpgsqlConnection connection, string subject, byte[] payload, Guid signalId, Guid outboxId, CancellationToken cancellationToken)
    {
        try
        {
            await js.PublishAsync(subject, payload, new NatsJSPubOpts { MsgId = outboxId.ToString() }, cancellationToken: cancellationToken);
        }
        catch (NatsException ex)
        {
            BackendLog.StatusEventDeferred(logger, subject, signalId, outboxId, ex.Message);
            return;
        }

        // Published: the row leaves the outbox (the Api's relay would otherwise publish it again, to be dropped as a duplicate).
        await using var sent = new NpgsqlCommand("DELETE FROM outbox WHERE id = @id", connection);
        sent.AddParameters(("id", outboxId));
        await sent.ExecuteNonQueryAsync(cancellationToken);
    }
}
