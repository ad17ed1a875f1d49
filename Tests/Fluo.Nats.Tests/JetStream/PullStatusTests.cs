using Fluo.Nats.JetStream;

namespace Fluo.Nats.Tests.JetStream;

public class PullStatusTests
{
    private static NatsMsg<string> Status(int code, string text, string? replyTo = null)
    {
        var headers = new NatsHeaders { Code = code, MessageText = text };
        return new NatsMsg<string>("_INBOX.x", replyTo, 0, headers, null, null);
    }

    [Theory]
    [InlineData(100, "Idle Heartbeat", "Heartbeat")]
    [InlineData(404, "No Messages", "PullEnded")]
    [InlineData(408, "Request Timeout", "PullEnded")]
    [InlineData(408, "Interest Expired", "PullEnded")]
    [InlineData(409, "Message Size Exceeds MaxBytes", "PullEnded")]
    [InlineData(409, "Leadership Change", "Reset")]
    [InlineData(409, "Server Shutdown", "Reset")]
    [InlineData(409, "Consumer Deleted", "ConsumerDeleted")]
    [InlineData(409, "Consumer is push based", "Terminal")]
    [InlineData(409, "Exceeded MaxRequestBatch of 10", "Terminal")]
    [InlineData(409, "Exceeded MaxWaiting", "Warning")]
    [InlineData(400, "Bad Request - heartbeat value too large", "Terminal")]
    [InlineData(503, "", "NoResponders")]
    public void Statuses_are_classified_as_the_facts_table_says(int code, string text, string expected) =>
        Assert.Equal(expected, PullStatus.Classify(Status(code, text)).ToString());

    [Fact]
    public void Stream_messages_are_not_statuses()
    {
        Assert.Equal(PullStatusKind.None, PullStatus.Classify(new NatsMsg<string>("s", "$JS.ACK.S.C.1.1.1.1.0", 0, null, "x", null)));
        Assert.Equal(PullStatusKind.None, PullStatus.Classify(new NatsMsg<string>("s", "$JS.ACK.S.C.1.1.1.1.0", 0, new NatsHeaders { ["a"] = "b" }, "x", null)));
    }

    [Fact]
    public void Pending_headers_are_read()
    {
        var headers = new NatsHeaders { ["Nats-Pending-Messages"] = "7", ["Nats-Pending-Bytes"] = "1024" };
        Assert.Equal((7L, 1024L), PullStatus.Pendings(headers));
        Assert.Equal((0L, 0L), PullStatus.Pendings(new NatsHeaders()));
    }
}
