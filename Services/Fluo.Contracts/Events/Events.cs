namespace Fluo.Contracts.Events;

/// <summary>On <c>events.system.startup</c>: a service process started.</summary>
/// <param name="Service">The service name (<c>OTEL_SERVICE_NAME</c>).</param>
/// <param name="Instance">The replica's instance id.</param>
/// <param name="Version">The service's version.</param>
/// <param name="StartedAt">When it started.</param>
public sealed record ServiceStarted(string Service, string Instance, string Version, DateTimeOffset StartedAt);

/// <summary>On <c>events.user.login</c>: a user signed in to the web dashboard.</summary>
/// <param name="UserName">Who.</param>
/// <param name="At">When.</param>
/// <param name="RemoteAddress">From where, if known.</param>
public sealed record UserLogin(string UserName, DateTimeOffset At, string? RemoteAddress);
