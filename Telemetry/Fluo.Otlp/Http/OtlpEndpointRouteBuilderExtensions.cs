using Fluo.Otlp.Traces;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fluo.Otlp.Http;

/// <summary>Maps an OTLP/HTTP export endpoint with the shared request handling of <see cref="OtlpHttp"/>.</summary>
public static class OtlpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> (e.g. <c>/v1/traces</c>): decodes the request, passes it to
    /// <paramref name="accept"/> and answers with the response it returns, in the request's encoding.
    /// </summary>
    public static IEndpointConventionBuilder MapOtlpExport<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        MessageParser<TRequest> parser,
        Func<TRequest, CancellationToken, ValueTask<TResponse>> accept,
        OtlpHttpOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(accept);
        return endpoints.MapPost(pattern, async context =>
        {
            var aborted = context.RequestAborted;
            var read = await OtlpHttp.ReadAsync(context.Request, parser, options, aborted).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                await OtlpHttp.WriteErrorAsync(context.Response, read.Error, read.Encoding, aborted).ConfigureAwait(false);
                return;
            }

            var response = await accept(read.Request, aborted).ConfigureAwait(false);
            await OtlpHttp.WriteResponseAsync(context.Response, response, read.Encoding, aborted).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> for trace exports read into their spans (<see cref="OtlpHttp.ReadTracesAsync"/>):
    /// <paramref name="accept"/> gets the spans, and the response says how many were rejected (OTLP partial success).
    /// </summary>
    public static IEndpointConventionBuilder MapOtlpTraceExport(
        this IEndpointRouteBuilder endpoints, string pattern, Func<OtlpSpanBatch, CancellationToken, ValueTask> accept, OtlpHttpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(accept);
        return endpoints.MapPost(pattern, async context =>
        {
            var aborted = context.RequestAborted;
            var read = await OtlpHttp.ReadTracesAsync(context.Request, options, aborted).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                await OtlpHttp.WriteErrorAsync(context.Response, read.Error, read.Encoding, aborted).ConfigureAwait(false);
                return;
            }

            await accept(read.Request, aborted).ConfigureAwait(false);
            await OtlpHttp.WriteResponseAsync(context.Response, read.Request.ToResponse(), read.Encoding, aborted).ConfigureAwait(false);
        });
    }
}
