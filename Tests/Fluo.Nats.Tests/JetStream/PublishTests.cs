using Fluo.Nats.JetStream;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.JetStream;

public class PublishTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    [Fact]
    public async Task Publish_returns_the_stream_and_sequence()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("PUB");
        await js.StreamAsync(name);
        for (ulong i = 1; i <= 3; i++)
        {
            var ack = await js.PublishAsync($"{name}.x", $"m{i}");
            Assert.Equal(name, ack.Stream);
            Assert.Equal(i, ack.Seq);
            Assert.False(ack.Duplicate);
        }

        Assert.Equal(3ul, (await js.GetStreamAsync(name)).State.Messages);
    }

    [Fact]
    public async Task The_same_msg_id_within_the_window_is_stored_once()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("DUP");
        await js.StreamAsync(name);
        var first = await js.PublishAsync($"{name}.x", "once", new NatsJSPubOpts { MsgId = "order-1" });
        var again = await js.PublishAsync($"{name}.x", "once", new NatsJSPubOpts { MsgId = "order-1" });
        var other = await js.PublishAsync($"{name}.x", "twice", new NatsJSPubOpts { MsgId = "order-2" });
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Seq, again.Seq);
        Assert.Equal(first.Seq + 1, other.Seq);
        Assert.Equal(2ul, (await js.GetStreamAsync(name)).State.Messages);
    }

    [Fact]
    public async Task Expectation_conflicts_are_rejected_with_their_error_codes()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("EXP");
        await js.StreamAsync(name);
        await js.PublishAsync($"{name}.a", "1", new NatsJSPubOpts { ExpectedLastSequence = 0, MsgId = "m1" });
        await js.PublishAsync($"{name}.a", "2", new NatsJSPubOpts { ExpectedLastSequence = 1, ExpectedStream = name, ExpectedLastMsgId = "m1" });

        var stale = await Assert.ThrowsAsync<NatsJSApiException>(() => js.PublishAsync($"{name}.a", "3", new NatsJSPubOpts { ExpectedLastSequence = 1 }).AsTask());
        Assert.Equal(NatsJSErrorCodes.WrongLastSequence, stale.ErrorCode);
        var subject = await Assert.ThrowsAsync<NatsJSApiException>(() => js.PublishAsync($"{name}.b", "3", new NatsJSPubOpts { ExpectedLastSubjectSequence = 1 }).AsTask());
        Assert.Equal(NatsJSErrorCodes.WrongLastSequence, subject.ErrorCode);
        var created = await js.PublishAsync($"{name}.b", "3", new NatsJSPubOpts { ExpectedLastSubjectSequence = 0 });
        Assert.Equal(3ul, created.Seq);
        var wrongStream = await Assert.ThrowsAsync<NatsJSApiException>(() => js.PublishAsync($"{name}.a", "4", new NatsJSPubOpts { ExpectedStream = "OTHER" }).AsTask());
        Assert.Equal(NatsJSErrorCodes.ExpectedStreamMismatch, wrongStream.ErrorCode);
        var wrongId = await Assert.ThrowsAsync<NatsJSApiException>(() => js.PublishAsync($"{name}.a", "4", new NatsJSPubOpts { ExpectedLastMsgId = "nope" }).AsTask());
        Assert.Equal(NatsJSErrorCodes.WrongLastMsgId, wrongId.ErrorCode);
        Assert.Equal(3ul, (await js.GetStreamAsync(name)).State.Messages);
    }

    [Fact]
    public async Task Publishing_where_no_stream_listens_fails_after_the_retries()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        await Assert.ThrowsAsync<NatsNoRespondersException>(() =>
            js.PublishAsync("no.stream.here", "x", new NatsJSPubOpts { RetryAttempts = 3, RetryWait = TimeSpan.FromMilliseconds(20) }).AsTask());
    }

    [Fact]
    public async Task Publish_retries_until_the_stream_appears()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("LATE");
        var publish = js.PublishAsync($"{name}.x", "x", new NatsJSPubOpts { RetryAttempts = 8, RetryWait = TimeSpan.FromMilliseconds(100) }).AsTask();
        await js.StreamAsync(name);
        var ack = await publish;
        Assert.Equal(name, ack.Stream);
    }
}
