namespace Fluo.Api.Outbox;

/// <summary>An outbox row claimed by the relay.</summary>
/// <param name="Id">The message id (<c>Nats-Msg-Id</c>; the job id for jobs).</param>
/// <param name="Subject">Where to publish.</param>
/// <param name="Payload">The message body.</param>
/// <param name="Headers">The stored headers as JSON (trace context), or null.</param>
/// <param name="CreatedAt">When the Api wrote it.</param>
internal sealed record OutboxRow(Guid Id, string Subject, byte[] Payload, string? Headers, DateTimeOffset CreatedAt);
