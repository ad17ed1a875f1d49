namespace Fluo.Hosting;

/// <summary>
/// Lets the testing builder run an AppHost's own <c>Main</c>: options are adjusted when the builder is
/// created, and <c>Build()</c> hands the builder over and stops <c>Main</c> instead of building.
/// </summary>
internal sealed class BuilderHooks
{
    private static readonly AsyncLocal<BuilderHooks?> CurrentHooks = new();

    public BuilderHooks(Func<DistributedApplicationOptions, DistributedApplicationOptions> configure) => Configure = configure;

    public static BuilderHooks? Current
    {
        get => CurrentHooks.Value;
        set => CurrentHooks.Value = value;
    }

    public Func<DistributedApplicationOptions, DistributedApplicationOptions> Configure { get; }

    public DistributedApplicationBuilder? Captured { get; set; }
}

/// <summary>Thrown out of an AppHost's <c>Main</c> once the testing builder has the application builder.</summary>
internal sealed class BuilderCapturedException : Exception
{
    public BuilderCapturedException() : base("The testing builder captured the application builder.")
    {
    }

    public BuilderCapturedException(string message) : base(message)
    {
    }

    public BuilderCapturedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
