using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fluo.Contracts;
using Fluo.Nats;
using Fluo.Nats.Services;

namespace Fluo.Backend.Client;

/// <summary>
/// Requests to the Backend's NATS micro service (<c>Fluo.Contracts.Backend.BackendSubjects</c>, queue group
/// <c>backend</c>) with a timeout. Every failure is one <see cref="BackendException"/>; each service maps it to its own
/// answer (a ProblemDetails, a page message, a job retry).
/// </summary>
/// <remarks>No in-process retries: callers decide (the Api answers 503 with Retry-After, the Worker naks with back-off).</remarks>
public sealed class BackendClient(INatsConnection connection, TimeSpan timeout)
{
    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Sends <paramref name="request"/> to <paramref name="subject"/> and reads the reply as <typeparamref name="TReply"/>.</summary>
    /// <exception cref="BackendException">Nobody answered, the Backend refused, or its reply could not be read.</exception>
    public async Task<TReply> RequestAsync<TRequest, TReply>(string subject, TRequest request, CancellationToken cancellationToken = default)
    {
        NatsMsg<ReadOnlyMemory<byte>> reply;

        // The request timeout only starts once the request is written; while NATS reconnects that can be never.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout + TimeSpan.FromSeconds(1));
        try
        {
            reply = await connection.RequestAsync<TRequest, ReadOnlyMemory<byte>>(subject, request, timeout: Timeout, cancellationToken: deadline.Token);
        }
        catch (NatsNoRespondersException ex)
        {
            throw Unavailable($"No Backend is answering '{subject}' (no responders); try again shortly.", ex);
        }
        catch (NatsRequestTimeoutException ex)
        {
            throw Unavailable($"The Backend did not answer '{subject}' within {Timeout.TotalSeconds:0.#} s; try again shortly.", ex);
        }
        catch (NatsException ex)
        {
            throw Unavailable($"The Backend could not be asked '{subject}' ({ex.Message}); try again shortly.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"NATS is not connected, so '{subject}' could not be asked; try again shortly.", ex);
        }

        if (reply.Headers?.GetLastValue(NatsSvcHeaders.ErrorCode) is { } code)
        {
            var status = int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 500;
            var error = reply.Headers.GetLastValue(NatsSvcHeaders.Error);
            throw new BackendException(BackendFailure.Refused, status, string.IsNullOrEmpty(error) ? $"The Backend refused '{subject}' ({status})." : error);
        }

        try
        {
            return JsonSerializer.Deserialize(reply.Data.Span, (JsonTypeInfo<TReply>)FluoJsonContext.Default.GetTypeInfo(typeof(TReply))!)
                ?? throw Unreadable($"The Backend answered '{subject}' with null.", null);
        }
        catch (JsonException ex)
        {
            throw Unreadable($"The Backend's answer to '{subject}' could not be read: {ex.Message}", ex);
        }
    }

    private static BackendException Unavailable(string message, Exception inner) => new(BackendFailure.Unavailable, 503, message, inner);

    private static BackendException Unreadable(string message, Exception? inner) => new(BackendFailure.Unreadable, 502, message, inner);
}
