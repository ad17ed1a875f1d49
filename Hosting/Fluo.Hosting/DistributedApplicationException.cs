namespace Fluo.Hosting;

/// <summary>The application model or its environment is wrong (unknown reference, cycle, missing binary, port in use…); the message names the resource.</summary>
public sealed class DistributedApplicationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DistributedApplicationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DistributedApplicationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DistributedApplicationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
