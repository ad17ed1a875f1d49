using System.Text;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;

namespace Fluo.Backend.Tests;

[Collection(BackendCollection.Name)]
public class ExportsTests(BackendFixture fixture)
{
    private Task<Ack> AppendAsync(Guid exportId, int index, string content) =>
        fixture.Client.AskAsync<ExportChunk, Ack>(BackendSubjects.ExportsAppend, new ExportChunk(exportId, index, Encoding.UTF8.GetBytes(content)));

    [Fact]
    public async Task An_export_is_appended_completed_and_read_back_chunk_by_chunk()
    {
        var filter = new SignalFilter(RuleId: Guid.NewGuid(), Severity: Severity.Critical);
        var (exportId, jobId) = await fixture.Db.ExportAsync(filter, "json");

        var info = await fixture.Client.AskAsync<IdRequest, ExportInfo>(BackendSubjects.ExportsGet, new IdRequest(exportId));
        Assert.Equal((jobId, "json", filter, false, 0), (info.JobId, info.Format, info.Filter, info.Completed, info.Chunks));

        Assert.True((await AppendAsync(exportId, 1, "world")).Ok);
        Assert.True((await AppendAsync(exportId, 0, "hello ")).Ok);
        Assert.True((await AppendAsync(exportId, 0, "hello ")).Ok); // a retry
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.ExportsComplete, new ExportCompleteRequest(exportId, 3, 2, 11))).Code);

        var complete = await fixture.Client.AskAsync<ExportCompleteRequest, ExportInfo>(BackendSubjects.ExportsComplete, new ExportCompleteRequest(exportId, 2, 2, 11));
        Assert.Equal((true, 2, 2L, 11L), (complete.Completed, complete.Chunks, complete.Rows, complete.Bytes));
        // Completing again with the same figures is a retry; different figures are a conflict.
        Assert.True((await fixture.Client.AskAsync<ExportCompleteRequest, ExportInfo>(BackendSubjects.ExportsComplete, new ExportCompleteRequest(exportId, 2, 2, 11))).Completed);
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.ExportsComplete, new ExportCompleteRequest(exportId, 1, 2, 11))).Code);

        var text = new StringBuilder();
        for (var i = 0; i < complete.Chunks; i++)
        {
            var chunk = await fixture.Client.AskAsync<ExportChunkRequest, ExportChunk>(BackendSubjects.ExportsChunk, new ExportChunkRequest(exportId, i));
            Assert.Equal((exportId, i), (chunk.ExportId, chunk.Index));
            text.Append(Encoding.UTF8.GetString(chunk.Content));
        }

        Assert.Equal("hello world", text.ToString());
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.ExportsChunk, new ExportChunkRequest(exportId, 2))).Code);

        // A complete export repeats what it holds and refuses anything else.
        Assert.True((await AppendAsync(exportId, 1, "world")).Ok);
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.ExportsAppend, new ExportChunk(exportId, 1, "changed"u8.ToArray()))).Code);
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.ExportsAppend, new ExportChunk(exportId, 2, "more"u8.ToArray()))).Code);
    }

    [Fact]
    public async Task Completing_drops_chunks_beyond_the_count_of_an_earlier_attempt()
    {
        var (exportId, _) = await fixture.Db.ExportAsync(new SignalFilter());
        await AppendAsync(exportId, 0, "a");
        await AppendAsync(exportId, 1, "b");
        await AppendAsync(exportId, 2, "stale");

        await fixture.Client.AskAsync<ExportCompleteRequest, ExportInfo>(BackendSubjects.ExportsComplete, new ExportCompleteRequest(exportId, 2, 1, 2));

        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.ExportsChunk, new ExportChunkRequest(exportId, 2))).Code);
        Assert.Equal(2, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM export_chunks WHERE export_id = @id", ("id", exportId)));
    }

    [Fact]
    public async Task Bad_and_unknown_exports_are_refused()
    {
        var (exportId, _) = await fixture.Db.ExportAsync(new SignalFilter());
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.ExportsGet, new IdRequest(Guid.NewGuid()))).Code);
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.ExportsAppend, new ExportChunk(Guid.NewGuid(), 0, [1]))).Code);
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.ExportsComplete, new ExportCompleteRequest(Guid.NewGuid(), 0, 0, 0))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.ExportsAppend, new ExportChunk(exportId, -1, [1]))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.ExportsAppend, new ExportChunk(exportId, 0, new byte[256 * 1024 + 1]))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.ExportsComplete, new ExportCompleteRequest(exportId, -1, 0, 0))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.ExportsChunk, new ExportChunkRequest(exportId, -1))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.ExportsGet, new IdRequest())).Code);
    }
}
