using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Backend.Data;

/// <summary>Small helpers for parameterised commands and jsonb documents.</summary>
internal static class DataSourceExtensions
{
    /// <summary>A command on the data source with named parameters.</summary>
    public static NpgsqlCommand Command(this NpgsqlDataSource dataSource, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = dataSource.CreateCommand(sql);
        command.AddParameters(parameters);
        return command;
    }

    /// <summary>A command of an <see cref="NpgsqlBatch"/> with named parameters.</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddNamed(parameters);
        return command;
    }

    /// <summary>Adds named parameters (null as DBNull).</summary>
    public static void AddParameters(this NpgsqlCommand command, params (string Name, object? Value)[] parameters) =>
        command.Parameters.AddNamed(parameters);

    private static void AddNamed(this NpgsqlParameterCollection collection, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            collection.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    /// <summary>A jsonb parameter holding <paramref name="value"/> serialised with Fluo's JSON.</summary>
    public static NpgsqlParameter Jsonb<T>(string name, T? value, JsonTypeInfo<T> typeInfo) =>
        new(name, NpgsqlDbType.Jsonb) { Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, typeInfo) };

    /// <summary>Reads a jsonb column with Fluo's JSON (null for SQL NULL).</summary>
    public static T? GetJson<T>(this NpgsqlDataReader reader, int ordinal, JsonTypeInfo<T> typeInfo) =>
        reader.IsDBNull(ordinal) ? default : JsonSerializer.Deserialize(reader.GetString(ordinal), typeInfo);

    /// <summary>Reads a nullable column.</summary>
    public static T? GetNullable<T>(this NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    /// <summary>Reads a nullable text column.</summary>
    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
