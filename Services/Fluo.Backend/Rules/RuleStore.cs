using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;
using Npgsql;

namespace Fluo.Backend.Rules;

/// <summary>Reads the rules the Api writes (deleted rules are invisible).</summary>
internal sealed class RuleStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, name, severity, enabled, expression, created_at, updated_at, version";

    /// <summary>rules.list: every rule (or every enabled one) by name.</summary>
    public async Task<RuleList> ListAsync(RuleListRequest request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(
            $"SELECT {Columns} FROM rules WHERE NOT deleted AND (enabled OR NOT @enabledOnly) ORDER BY lower(name), id",
            ("enabledOnly", request.EnabledOnly));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rules = new List<Rule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(Read(reader));
        }

        return new RuleList(rules);
    }

    /// <summary>rules.get: one rule by id.</summary>
    public async Task<Rule> GetAsync(IdRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.Id);
        await using var command = dataSource.Command($"SELECT {Columns} FROM rules WHERE id = @id AND NOT deleted", ("id", request.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : throw BackendError.NotFound($"Rule {request.Id} does not exist.");
    }

    private static Rule Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        DbNames.SeverityOf(reader.GetString(2)),
        reader.GetBoolean(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetInt32(7));
}
