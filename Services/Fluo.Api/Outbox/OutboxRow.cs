namespace Fluo.Api.Outbox;

/// <summary>An outbox row: claimed from the table by the relay's sweep, or handed to it by <see cref="CommittedOutbox"/>.</summary>
/// <param name="Id">The message id (<c>Nats-Msg-Id</c>; the job id for jobs).</param>
/// <param name="Subject">Where to publish.</param>
/// <param name="Payload">The message body (for a claimed trace_analysis row, built from its stored trace).</param>
/// <param name="Headers">The stored headers as JSON (trace context), or null.</param>
/// <param name="CreatedAt">When the Api wrote it (the database's clock for a claimed row, the Api's for a handed one).</param>
internal sealed record OutboxRow(Guid Id, string Subject, byte[] Payload, string? Headers, DateTimeOffset CreatedAt);
