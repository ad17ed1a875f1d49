using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;

namespace Fluo.Backend.Traces;

/// <summary>The traces endpoints.</summary>
internal static class TracesEndpoints
{
    public static async ValueTask MapTracesAsync(this BackendEndpoints endpoints, TraceStore traces, CancellationToken cancellationToken)
    {
        await endpoints.MapAsync<IdRequest, TraceReply>(BackendSubjects.TracesGet, traces.GetAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, traces.RecentAsync, cancellationToken: cancellationToken);
    }
}
