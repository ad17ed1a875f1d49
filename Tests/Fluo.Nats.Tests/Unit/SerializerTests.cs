using System.Buffers;
using System.Text.Json.Serialization;

namespace Fluo.Nats.Tests.Unit;

public record Order(string Id, int Quantity);

[JsonSerializable(typeof(Order))]
public partial class TestJsonContext : JsonSerializerContext;

public class SerializerTests
{
    [Fact]
    public void Json_context_registry_round_trips_records_and_keeps_raw_types_raw()
    {
        var registry = new NatsJsonContextSerializerRegistry(TestJsonContext.Default);
        var buffer = new ArrayBufferWriter<byte>();
        registry.GetSerializer<Order>().Serialize(buffer, new Order("o-1", 3));
        Assert.Equal("""{"Id":"o-1","Quantity":3}""", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(new Order("o-1", 3), registry.GetDeserializer<Order>().Deserialize(new ReadOnlySequence<byte>(buffer.WrittenMemory)));

        var raw = new ArrayBufferWriter<byte>();
        registry.GetSerializer<string>().Serialize(raw, "plain");
        Assert.Equal("plain", System.Text.Encoding.UTF8.GetString(raw.WrittenSpan));
    }

    [Fact]
    public void Types_without_a_serializer_fail_with_guidance()
    {
        var error = Assert.Throws<NatsSerializationException>(() =>
            NatsDefaultSerializerRegistry.Default.GetSerializer<Order>().Serialize(new ArrayBufferWriter<byte>(), new Order("x", 1)));
        Assert.Contains("JsonSerializerContext", error.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<NatsSerializationException>(() => new NatsJsonContextSerializerRegistry(TestJsonContext.Default).GetSerializer<Uri>());
        Assert.Contains("Uri", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_is_a_serialization_exception()
    {
        var deserializer = new NatsJsonContextSerializerRegistry(TestJsonContext.Default).GetDeserializer<Order>();
        Assert.Throws<NatsSerializationException>(() => deserializer.Deserialize(new ReadOnlySequence<byte>("{not json"u8.ToArray())));
    }

    [Fact]
    public void Numbers_are_utf8_text()
    {
        var buffer = new ArrayBufferWriter<byte>();
        NatsRawSerializer<int>.Default.Serialize(buffer, 42);
        Assert.Equal(42, NatsRawSerializer<int>.Default.Deserialize(new ReadOnlySequence<byte>(buffer.WrittenMemory)));
        Assert.Throws<NatsSerializationException>(() => NatsRawSerializer<long>.Default.Deserialize(new ReadOnlySequence<byte>("x1"u8.ToArray())));
    }
}
