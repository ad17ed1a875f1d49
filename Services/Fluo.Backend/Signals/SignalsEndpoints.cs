using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Signals;

namespace Fluo.Backend.Signals;

/// <summary>The signals endpoints.</summary>
internal static class SignalsEndpoints
{
    public static async ValueTask MapSignalsAsync(this BackendEndpoints endpoints, SignalStore signals, SignalStatusChanger status, CancellationToken cancellationToken)
    {
        await endpoints.MapAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, signals.ListAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<IdRequest, Signal>(BackendSubjects.SignalsGet, signals.GetAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, status.SetStatusAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecord, signals.RecordAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<BatchRequest<RecordSignalsRequest>, BatchReply<RecordSignalsReply>>(BackendSubjects.SignalsRecordBatch, signals.RecordBatchAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<SignalCountsRequest, SignalCounts>(BackendSubjects.SignalsCounts, signals.CountsAsync, () => new SignalCountsRequest(), cancellationToken);
    }
}
