using System.Globalization;
using Fluo.Nats;
using Fluo.Nats.Services;
using Fluo.Worker.Jobs;
using Microsoft.Extensions.Options;

namespace Fluo.Worker.Backend;

/// <summary>
/// Requests to the Backend service with a timeout, translated into the worker's failure kinds: no responders,
/// timeouts, connection trouble and <c>5xx</c> service errors are transient; <c>4xx</c> service errors are permanent.
/// </summary>
/// <remarks>
/// No in-process retries: a failed job is naked with back-off, which keeps the handler slots free while the
/// Backend is away (and the consume loop within its liveness window).
/// </remarks>
internal sealed class BackendClient(INatsConnection nats, IOptions<WorkerOptions> options)
{
    private readonly TimeSpan _timeout = options.Value.RequestTimeout;

    public async Task<TReply> RequestAsync<TRequest, TReply>(string subject, TRequest request, CancellationToken cancellationToken)
    {
        NatsMsg<TReply> reply;
        try
        {
            reply = await nats.RequestAsync<TRequest, TReply>(subject, request, timeout: _timeout, cancellationToken: cancellationToken);
        }
        catch (NatsNoRespondersException ex)
        {
            throw new TransientJobException($"The backend does not answer on {subject} (no responders).", ex);
        }
        catch (NatsRequestTimeoutException ex)
        {
            throw new TransientJobException($"The backend did not answer on {subject} within {_timeout.TotalSeconds:0.#} s.", ex);
        }
        catch (NatsException ex) when (ex is not NatsSerializationException)
        {
            throw new TransientJobException($"NATS failed during a request on {subject}: {ex.Message}", ex);
        }

        if (reply.Headers is { } headers && headers.GetLastValue(NatsSvcHeaders.ErrorCode) is { } codeText &&
            int.TryParse(codeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
        {
            var message = $"The backend refused {subject}: {code} {headers.GetLastValue(NatsSvcHeaders.Error)}";
            throw code >= 500 ? new TransientJobException(message) : new PermanentJobException(message);
        }

        // A reply the worker cannot read is a version skew that a redeployment fixes: retry, then dead-letter.
        if (reply.Error is { } error)
        {
            throw new TransientJobException($"The backend's reply on {subject} could not be read: {error.Message}", error);
        }

        return reply.Data ?? throw new TransientJobException($"The backend's reply on {subject} was empty.");
    }
}
