namespace Fluo.Otlp.Values;

/// <summary>OTLP timestamps (nanoseconds since the Unix epoch).</summary>
public static class OtlpTime
{
    /// <summary>An OTLP <c>*_unix_nano</c> timestamp as a <see cref="DateTimeOffset"/> (100 ns resolution).</summary>
    public static DateTimeOffset ToDateTimeOffset(ulong unixNano) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNano / 100));
}
