using Fluo.Otlp.Traces;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Proto.Collector.Trace.V1;

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
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(accept);
        return endpoints.MapExport(pattern, (request, cancellationToken) => OtlpHttp.ReadAsync(request, parser, options, cancellationToken), accept);
    }

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> for trace exports read into their spans (<see cref="OtlpHttp.ReadTracesAsync"/>):
    /// <paramref name="accept"/> gets the spans and gives the response (<see cref="OtlpSpanBatch.ToResponse"/> says how many
    /// were rejected, as OTLP partial success).
    /// </summary>
    public static IEndpointConventionBuilder MapOtlpTraceExport(
        this IEndpointRouteBuilder endpoints, string pattern, Func<OtlpSpanBatch, CancellationToken, ValueTask<ExportTraceServiceResponse>> accept, OtlpHttpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(accept);
        return endpoints.MapExport(pattern, (request, cancellationToken) => OtlpHttp.ReadTracesAsync(request, options, cancellationToken), accept);
    }

    /// <summary>The endpoint both maps share: read (errors answered in the request's encoding), accept, answer.</summary>
    private static IEndpointConventionBuilder MapExport<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Func<HttpRequest, CancellationToken, Task<OtlpReadResult<TRequest>>> read,
        Func<TRequest, CancellationToken, ValueTask<TResponse>> accept)
        where TRequest : class
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost(pattern, async context =>
        {
            var aborted = context.RequestAborted;
            var result = await read(context.Request, aborted).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                await OtlpHttp.WriteErrorAsync(context.Response, result.Error, result.Encoding, aborted).ConfigureAwait(false);
                return;
            }

            var response = await accept(result.Request, aborted).ConfigureAwait(false);
            await OtlpHttp.WriteResponseAsync(context.Response, response, result.Encoding, aborted).ConfigureAwait(false);
        });
    }
}
