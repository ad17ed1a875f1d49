using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Orchestration;

namespace Fluo.Hosting.Runners;

/// <summary>A parameter: healthy as soon as its value is resolved (which happened before any start).</summary>
internal sealed class ParameterRunner(ParameterResource parameter, RunContext context) : ResourceRunner(parameter, context)
{
    public override string Type => "parameter";

    public override bool IsServer => false;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Healthy);
        return Task.CompletedTask;
    }
}
