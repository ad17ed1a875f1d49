using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Fluo.ServiceDefaults.Tests;

/// <summary>Collects ended spans from the OpenTelemetry SDK (listeners are process-wide).</summary>
internal sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly List<Activity> _ended = [];

    public IReadOnlyList<Activity> Ended
    {
        get
        {
            lock (_ended)
            {
                return [.. _ended];
            }
        }
    }

    public override void OnEnd(Activity data)
    {
        lock (_ended)
        {
            _ended.Add(data);
        }
    }
}
