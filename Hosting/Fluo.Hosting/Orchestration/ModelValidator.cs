using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Processes;
using Microsoft.Extensions.Configuration;

namespace Fluo.Hosting.Orchestration;

/// <summary>Checks the model before anything starts; every problem names its resource.</summary>
internal static class ModelValidator
{
    /// <summary>Unknown references and <c>WaitFor</c> cycles (run and publish).</summary>
    public static void ValidateStructure(DistributedApplicationModel model) => Throw(StructureErrors(model));

    /// <summary>Structure, then what a run needs: project files, server binaries, fixed ports.</summary>
    public static void ValidateForRun(DistributedApplicationModel model, IConfiguration configuration)
    {
        var errors = StructureErrors(model);
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case ProjectResource project:
                    if (!File.Exists(project.ProjectPath))
                    {
                        errors.Add($"Resource '{project.Name}': project file '{project.ProjectPath}' does not exist.");
                    }

                    CheckPort(project.Name, project.HttpPort);
                    break;
                case NatsServerResource nats:
                    if (ServerBinaries.FindNatsServer(configuration, nats.Name).Error is { } natsError)
                    {
                        errors.Add(natsError);
                    }

                    CheckPort(nats.Name, nats.Port);
                    break;
                case PostgresServerResource postgres:
                    if (ServerBinaries.FindPostgresBin(configuration, postgres.Name).Error is { } pgError)
                    {
                        errors.Add(pgError);
                    }

                    CheckPort(postgres.Name, postgres.Port);
                    break;
            }
        }

        Throw(errors);

        void CheckPort(string name, int? port)
        {
            if (port is { } fixedPort && !model.Options.RandomizePorts && !FreePort.IsFree(fixedPort))
            {
                errors.Add($"Resource '{name}': port {fixedPort} is already in use; stop what listens there or choose another port.");
            }
        }
    }

    /// <summary>The resources <paramref name="resource"/> must wait for: its <c>WaitFor</c>s, and a database's server.</summary>
    public static IEnumerable<IResource> Dependencies(IResource resource) => resource switch
    {
        PostgresDatabaseResource database => [database.Parent],
        IResourceWithWaitSupport waiting => waiting.WaitsFor,
        _ => [],
    };

    private static List<string> StructureErrors(DistributedApplicationModel model)
    {
        var errors = new List<string>();
        var known = new HashSet<IResource>(model.Resources, ReferenceEqualityComparer.Instance);
        foreach (var resource in model.Resources)
        {
            foreach (var (verb, target) in Targets(resource))
            {
                if (!known.Contains(target))
                {
                    errors.Add($"Resource '{resource.Name}': {verb} '{target.Name}', which is not a resource of this application (added to another builder?).");
                }
            }
        }

        if (FindCycle(model.Resources) is { } cycle)
        {
            errors.Add($"WaitFor cycle: {string.Join(" -> ", cycle.Select(r => $"'{r.Name}'"))}; resource '{cycle[0].Name}' would never start.");
        }

        return errors;
    }

    private static IEnumerable<(string Verb, IResource Target)> Targets(IResource resource)
    {
        if (resource is ProjectResource project)
        {
            foreach (var reference in project.References)
            {
                yield return ("WithReference", reference);
            }

            foreach (var entry in project.Environment.Where(e => e.Source is not null))
            {
                yield return ($"WithEnvironment(\"{entry.Name}\")", entry.Source!);
            }
        }

        if (resource is IResourceWithWaitSupport waiting)
        {
            foreach (var dependency in waiting.WaitsFor)
            {
                yield return ("WaitFor", dependency);
            }
        }

        if (resource is PostgresDatabaseResource database)
        {
            yield return ("database of", database.Parent);
        }
    }

    private static List<IResource>? FindCycle(IReadOnlyList<IResource> resources)
    {
        var state = new Dictionary<IResource, int>(ReferenceEqualityComparer.Instance);
        var path = new List<IResource>();
        foreach (var resource in resources)
        {
            if (Visit(resource) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<IResource>? Visit(IResource resource)
        {
            switch (state.GetValueOrDefault(resource))
            {
                case 1:
                    return [.. path.Skip(path.IndexOf(resource)), resource];
                case 2:
                    return null;
            }

            state[resource] = 1;
            path.Add(resource);
            foreach (var dependency in Dependencies(resource))
            {
                if (Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[resource] = 2;
            return null;
        }
    }

    private static void Throw(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, errors));
        }
    }
}
