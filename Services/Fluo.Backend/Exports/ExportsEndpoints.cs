using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;

namespace Fluo.Backend.Exports;

/// <summary>The exports endpoints.</summary>
internal static class ExportsEndpoints
{
    public static async ValueTask MapExportsAsync(this BackendEndpoints endpoints, ExportStore exports, CancellationToken cancellationToken)
    {
        await endpoints.MapAsync<ExportChunk, Ack>(BackendSubjects.ExportsAppend, exports.AppendAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<ExportCompleteRequest, ExportInfo>(BackendSubjects.ExportsComplete, exports.CompleteAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<IdRequest, ExportInfo>(BackendSubjects.ExportsGet, exports.GetAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<ExportChunkRequest, ExportChunk>(BackendSubjects.ExportsChunk, exports.ChunkAsync, cancellationToken: cancellationToken);
    }
}
