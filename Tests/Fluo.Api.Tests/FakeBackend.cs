using Fluo.Nats;
using Fluo.Nats.Services;

namespace Fluo.Api.Tests;

/// <summary>A small stand-in for the Backend: answers chosen subjects over the test's NATS connection.</summary>
internal sealed class FakeBackend(INatsConnection connection) : IAsyncDisposable
{
    private readonly List<(INatsSub<ReadOnlyMemory<byte>> Sub, Task Loop)> _subs = [];

    public List<(string Subject, ReadOnlyMemory<byte> Body)> Requests { get; } = [];

    public async Task HandleAsync<TRequest, TReply>(string subject, Func<TRequest, TReply> answer)
    {
        await SubscribeAsync(subject, async msg =>
        {
            var request = System.Text.Json.JsonSerializer.Deserialize(msg.Data.Span,
                (System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest>)Fluo.Contracts.FluoJsonContext.Default.GetTypeInfo(typeof(TRequest))!)!;
            await msg.ReplyAsync(answer(request));
        });
    }

    public Task ErrorAsync(string subject, int code, string message) =>
        SubscribeAsync(subject, async msg =>
        {
            var headers = new NatsHeaders { [NatsSvcHeaders.Error] = message, [NatsSvcHeaders.ErrorCode] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            await msg.ReplyAsync(ReadOnlyMemory<byte>.Empty, headers);
        });

    private async Task SubscribeAsync(string subject, Func<NatsMsg<ReadOnlyMemory<byte>>, Task> handle)
    {
        var sub = await connection.SubscribeCoreAsync<ReadOnlyMemory<byte>>(subject);
        var loop = Task.Run(async () =>
        {
            await foreach (var msg in sub.Msgs.ReadAllAsync())
            {
                lock (Requests)
                {
                    Requests.Add((msg.Subject, msg.Data.ToArray()));
                }

                await handle(msg);
            }
        });
        _subs.Add((sub, loop));
        await connection.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (sub, loop) in _subs)
        {
            await sub.DisposeAsync();
            await loop;
        }

        await connection.FlushAsync();
    }
}
