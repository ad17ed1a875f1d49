using System.Diagnostics;

namespace Fluo.Worker.Telemetry;

/// <summary>The worker's own spans (the source is the application name, which ServiceDefaults already traces).</summary>
internal static class WorkerTelemetry
{
    /// <summary>The activity source's name.</summary>
    public const string Name = "Fluo.Worker";

    /// <summary>The activity source.</summary>
    public static readonly ActivitySource Source = new(Name);
}
