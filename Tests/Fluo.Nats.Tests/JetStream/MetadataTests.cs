using Fluo.Nats.JetStream;

namespace Fluo.Nats.Tests.JetStream;

public class MetadataTests
{
    [Fact]
    public void The_nine_token_ack_subject_of_2_9_is_parsed()
    {
        var m = NatsJSMsgMetadata.Parse("$JS.ACK.ORDERS.worker.2.17.5.1700000000123456789.42");
        Assert.NotNull(m);
        Assert.Equal("ORDERS", m.Stream);
        Assert.Equal("worker", m.Consumer);
        Assert.Equal(2ul, m.NumDelivered);
        Assert.Equal(17ul, m.StreamSequence);
        Assert.Equal(5ul, m.ConsumerSequence);
        Assert.Equal(42ul, m.NumPending);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(17000000001234567), m.Timestamp);
        Assert.Null(m.Domain);
    }

    [Theory]
    [InlineData("$JS.ACK.hub.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0", "hub")]
    [InlineData("$JS.ACK._.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0.rand123", null)]
    public void The_v2_ack_subject_with_domain_is_parsed(string subject, string? domain)
    {
        var m = NatsJSMsgMetadata.Parse(subject);
        Assert.NotNull(m);
        Assert.Equal("ORDERS", m.Stream);
        Assert.Equal(3ul, m.StreamSequence);
        Assert.Equal(domain, m.Domain);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("_INBOX.abc")]
    [InlineData("$JS.ACK.ORDERS.worker.1.2.3")]
    [InlineData("$JS.ACK.ORDERS.worker.x.2.3.4.5")]
    public void Other_subjects_have_no_metadata(string? subject) => Assert.Null(NatsJSMsgMetadata.Parse(subject));
}
