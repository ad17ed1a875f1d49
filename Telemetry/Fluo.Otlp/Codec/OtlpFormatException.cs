namespace Fluo.Otlp.Codec;

/// <summary>A body that is not a valid OTLP message in the encoding it claims; the message says what is wrong.</summary>
public sealed class OtlpFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OtlpFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OtlpFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the decoder's own error.</summary>
    public OtlpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
