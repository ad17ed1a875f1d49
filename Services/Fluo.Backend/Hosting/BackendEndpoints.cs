using System.Diagnostics;
using Fluo.Contracts.Backend;
using Fluo.Nats;
using Fluo.Nats.Services;

namespace Fluo.Backend.Hosting;

/// <summary>
/// Adds the Backend's endpoints to its micro service: each subject of <see cref="BackendSubjects"/> becomes an endpoint
/// named after it (<c>fluo.backend.signals.list</c> → <c>signals-list</c>) whose handler takes a request and returns
/// the reply. The wrapper turns <see cref="NatsSvcEndpointException"/> into that service error, anything unexpected
/// into a logged 500, and counts every outcome.
/// </summary>
internal sealed class BackendEndpoints(NatsSvcServer server, BackendMetrics metrics, ILogger logger)
{
    private readonly List<string> _names = [];

    /// <summary>The endpoint names added so far.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>
    /// Adds the endpoint for <paramref name="subject"/>. A request without a body is answered with 400 unless
    /// <paramref name="whenEmpty"/> supplies a default request.
    /// </summary>
    public async ValueTask MapAsync<TRequest, TReply>(string subject, Func<TRequest, CancellationToken, Task<TReply>> handler, Func<TRequest>? whenEmpty = null, CancellationToken cancellationToken = default)
        where TRequest : class
    {
        var name = NameOf(subject);
        await server.AddEndpointAsync<TRequest>(msg => HandleAsync(name, msg, handler, whenEmpty), name, subject, cancellationToken: cancellationToken);
        _names.Add(name);
    }

    /// <summary><c>fluo.backend.signals.list</c> → <c>signals-list</c>.</summary>
    public static string NameOf(string subject) => subject[(BackendSubjects.Prefix.Length + 1)..].Replace('.', '-');

    private async ValueTask HandleAsync<TRequest, TReply>(string name, NatsSvcMsg<TRequest> msg, Func<TRequest, CancellationToken, Task<TReply>> handler, Func<TRequest>? whenEmpty)
        where TRequest : class
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            var request = msg.Data ?? whenEmpty?.Invoke() ?? throw BackendError.BadRequest($"{typeof(TRequest).Name} is required.");
            // Handlers run to completion even while the host stops: stopping waits for requests in flight.
            var reply = await handler(request, CancellationToken.None);
            try
            {
                await msg.ReplyAsync(reply);
            }
            catch (NatsPayloadTooLargeException ex)
            {
                BackendLog.ReplyTooLarge(logger, name, ex.Size, ex.MaxPayload);
                throw new NatsSvcEndpointException(413, $"The reply is {ex.Size} bytes, more than the server's limit of {ex.MaxPayload}; ask for fewer items.");
            }
        }
        catch (NatsSvcEndpointException ex)
        {
            outcome = ex.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await ReplyErrorAsync(msg, ex.Code, ex.Message);
        }
        catch (Exception ex)
        {
            outcome = "500";
            BackendLog.HandlerFailed(logger, ex, name, msg.Subject);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            Activity.Current?.AddException(ex);
            await ReplyErrorAsync(msg, 500, $"Internal error in {name}; the backend's log has the details.");
        }
        finally
        {
            metrics.Handled(name, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private async ValueTask ReplyErrorAsync<TRequest>(NatsSvcMsg<TRequest> msg, int code, string message)
    {
        try
        {
            await msg.ReplyErrorAsync(code, message);
        }
        catch (NatsException ex)
        {
            BackendLog.HandlerFailed(logger, ex, NameOf(msg.Subject), msg.Subject);
        }
    }
}
