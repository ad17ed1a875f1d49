using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Fluo.Otlp.Values;

/// <summary>Reads OTLP key/value lists and the resource's service identity.</summary>
public static class OtlpAttributes
{
    /// <summary>The service name OpenTelemetry uses when a resource has none.</summary>
    public const string UnknownService = "unknown_service";

    /// <summary>The attributes as a dictionary in their order; a repeated key keeps its last value.</summary>
    public static IReadOnlyDictionary<string, OtlpValue> ToDictionary(RepeatedField<KeyValue> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var result = new Dictionary<string, OtlpValue>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            result[attribute.Key] = OtlpValue.From(attribute.Value);
        }

        return result;
    }

    /// <summary>
    /// The resource's <c>service.name</c> (<see cref="UnknownService"/> when missing or empty) and
    /// <c>service.instance.id</c> (null when missing).
    /// </summary>
    public static (string ServiceName, string? ServiceInstanceId) ServiceOf(Resource? resource)
    {
        string? service = null;
        string? instance = null;
        if (resource is not null)
        {
            foreach (var attribute in resource.Attributes)
            {
                if (attribute.Key == "service.name")
                {
                    service = OtlpValue.From(attribute.Value).ToString();
                }
                else if (attribute.Key == "service.instance.id")
                {
                    instance = OtlpValue.From(attribute.Value).ToString();
                }
            }
        }

        return (string.IsNullOrEmpty(service) ? UnknownService : service, instance);
    }

}
