using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fluo.Contracts;
using Fluo.Nats;
using Fluo.Nats.Services;
using Microsoft.Extensions.Options;

namespace Fluo.Web.Backend;

/// <summary>A Backend query or command failed: <see cref="Status"/> is the service error code (503 when no Backend answered).</summary>
/// <param name="status">HTTP-like status.</param>
/// <param name="message">What went wrong, for the operator.</param>
public sealed class BackendException(int status, string message) : Exception(message)
{
    /// <summary>HTTP-like status (400, 404, 409, 503...).</summary>
    public int Status { get; } = status;
}

/// <summary>
/// The dashboard's only way to read Fluo's state: the Backend's request-reply endpoints
/// (<c>Fluo.Contracts.Backend.BackendSubjects</c>) over NATS, with a short timeout so a page never hangs.
/// </summary>
public sealed class BackendClient(INatsConnection connection, IOptions<WebOptions> options)
{
    private readonly TimeSpan _timeout = options.Value.BackendTimeout;

    /// <summary>Sends <paramref name="request"/> to <paramref name="subject"/> and reads the reply.</summary>
    /// <exception cref="BackendException">The Backend refused, or none answered.</exception>
    public async Task<TReply> RequestAsync<TRequest, TReply>(string subject, TRequest request, CancellationToken cancellationToken = default)
    {
        NatsMsg<ReadOnlyMemory<byte>> reply;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout + TimeSpan.FromSeconds(1));
        try
        {
            reply = await connection.RequestAsync<TRequest, ReadOnlyMemory<byte>>(subject, request, timeout: _timeout, cancellationToken: timeout.Token);
        }
        catch (NatsNoRespondersException)
        {
            throw new BackendException(503, "No Backend is answering right now.");
        }
        catch (NatsRequestTimeoutException)
        {
            throw new BackendException(503, $"The Backend did not answer within {_timeout.TotalSeconds:0.#} s.");
        }
        catch (NatsException ex)
        {
            throw new BackendException(503, "NATS: " + ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendException(503, "NATS is not connected.");
        }

        if (reply.Headers?.GetLastValue(NatsSvcHeaders.ErrorCode) is { } code)
        {
            var status = int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 500;
            throw new BackendException(status, reply.Headers.GetLastValue(NatsSvcHeaders.Error) ?? "The Backend refused.");
        }

        try
        {
            return JsonSerializer.Deserialize(reply.Data.Span, (JsonTypeInfo<TReply>)FluoJsonContext.Default.GetTypeInfo(typeof(TReply))!)
                ?? throw new BackendException(502, "The Backend answered null.");
        }
        catch (JsonException ex)
        {
            throw new BackendException(502, "The Backend's answer could not be read: " + ex.Message);
        }
    }
}
