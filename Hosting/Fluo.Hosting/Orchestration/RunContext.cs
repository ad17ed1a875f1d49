using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Runners;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Fluo.Hosting.Orchestration;

/// <summary>What every runner needs: the model, configuration, state folder, parameter values, the other runners.</summary>
internal sealed record RunContext(
    DistributedApplicationModel Model,
    IConfiguration Configuration,
    string StateDirectory,
    IReadOnlyDictionary<ParameterResource, string> Parameters,
    ResourceNotificationService Notifications,
    ResourceLoggerService Logs,
    ILogger Logger,
    Func<IResource, ResourceRunner> RunnerOf,
    Uri? DashboardOtlpHttpUrl = null)
{
    public DistributedApplicationOptions Options => Model.Options;
}
