using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fluo.Contracts;
using Fluo.Nats;
using Fluo.Nats.Services;
using Microsoft.Extensions.Options;

namespace Fluo.Api.Backend;

/// <summary>
/// Queries to the Backend by NATS request-reply (<c>Fluo.Contracts.Backend.BackendSubjects</c>) with a timeout.
/// Service errors become <see cref="BackendException"/>; no responders, timeouts and a lost connection become
/// <see cref="BackendUnavailableException"/>.
/// </summary>
public sealed class BackendClient(INatsConnection connection, IOptions<ApiOptions> options)
{
    private readonly TimeSpan _timeout = options.Value.BackendTimeout;

    /// <summary>Sends <paramref name="request"/> to <paramref name="subject"/> and reads the reply as <typeparamref name="TReply"/>.</summary>
    public async Task<TReply> RequestAsync<TRequest, TReply>(string subject, TRequest request, CancellationToken cancellationToken = default)
    {
        NatsMsg<ReadOnlyMemory<byte>> reply;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout + TimeSpan.FromSeconds(1));
        try
        {
            reply = await connection.RequestAsync<TRequest, ReadOnlyMemory<byte>>(subject, request, timeout: _timeout, cancellationToken: timeout.Token);
        }
        catch (NatsNoRespondersException ex)
        {
            throw new BackendUnavailableException($"No backend is answering '{subject}'; try again shortly.", ex);
        }
        catch (NatsRequestTimeoutException ex)
        {
            throw new BackendUnavailableException($"The backend did not answer '{subject}' within {_timeout.TotalSeconds:0.#} s; try again shortly.", ex);
        }
        catch (NatsException ex)
        {
            throw new BackendUnavailableException($"The backend could not be asked ({ex.Message}); try again shortly.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"NATS is not connected, so '{subject}' could not be asked; try again shortly.", ex);
        }

        if (reply.Headers?.GetLastValue(NatsSvcHeaders.ErrorCode) is { } code)
        {
            var status = int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 500;
            throw new BackendException(status, reply.Headers.GetLastValue(NatsSvcHeaders.Error) ?? $"The backend refused '{subject}'.");
        }

        try
        {
            return JsonSerializer.Deserialize(reply.Data.Span, (JsonTypeInfo<TReply>)FluoJsonContext.Default.GetTypeInfo(typeof(TReply))!)
                ?? throw new BackendException(502, $"The backend answered '{subject}' with null.");
        }
        catch (JsonException ex)
        {
            throw new BackendException(502, $"The backend's answer to '{subject}' could not be read: {ex.Message}");
        }
    }
}
