using System.Globalization;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;

namespace Fluo.Worker.Consuming;

/// <summary>
/// Moves a job that failed on its last allowed delivery to the DLQ stream: the original payload on
/// <c>dlq.&lt;subject&gt;</c> with the original headers plus the original subject, last error, delivery count and
/// stream sequence. Done by the worker on the last delivery, which on 2.9.10 is more dependable than the
/// max-deliveries advisory.
/// </summary>
internal sealed class DeadLetters(INatsJSContext js)
{
    /// <summary>Header values are one line; a long error is cut.</summary>
    public const int MaxErrorLength = 1024;

    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;

    /// <summary>Publishes the dead letter, retrying a few times: after the last delivery nothing would bring the job back.</summary>
    public async Task PublishAsync(NatsJSMsg<ReadOnlyMemory<byte>> msg, string error, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders((msg.Headers?.Count ?? 0) + 4);
        if (msg.Headers is { } original)
        {
            foreach (var (key, value) in original)
            {
                // Optimistic-concurrency expectations were about JOBS, not DLQ.
                if (!key.StartsWith("Nats-Expected-", StringComparison.OrdinalIgnoreCase))
                {
                    headers[key] = value;
                }
            }
        }

        var line = error.ReplaceLineEndings(" ");
        headers[FluoHeaders.OriginalSubject] = msg.Subject;
        headers[FluoHeaders.LastError] = line.Length > MaxErrorLength ? line[..MaxErrorLength] : line;
        headers[FluoHeaders.Deliveries] = (msg.Metadata?.NumDelivered ?? 0).ToString(CultureInfo.InvariantCulture);
        headers[FluoHeaders.OriginalSequence] = (msg.Metadata?.StreamSequence ?? 0).ToString(CultureInfo.InvariantCulture);

        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await js.PublishAsync(Subjects.DeadLetterFor(msg.Subject), msg.Data, headers: headers, serializer: Raw, cancellationToken: cancellationToken);
                return;
            }
            catch (NatsException) when (attempt < 4)
            {
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
        }
    }
}
