namespace Fluo.Otlp.Values;

/// <summary>What an <see cref="OtlpValue"/> holds.</summary>
public enum OtlpValueKind
{
    /// <summary>Text; OTLP arrays and maps become their JSON text, bytes their base64, an empty value "".</summary>
    StringValue,

    /// <summary>A 64-bit integer.</summary>
    IntValue,

    /// <summary>A double.</summary>
    DoubleValue,

    /// <summary>A boolean.</summary>
    BoolValue,
}
