using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace NasPrune.Search.Tuning;

/// <summary>
/// A study in one SQLite file, shared by any number of worker processes on this machine. Trial numbers
/// come from an autoincrement key inside an immediate transaction, so two workers never get the same
/// trial. Each running trial records its worker (host and process id); when a storage is opened, trials
/// still "running" whose process no longer exists are marked failed: a crash loses no trial silently.
/// </summary>
public sealed class SqliteStorage : IStudyStorage, IDisposable
{
    private readonly SqliteConnection _connection;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public SqliteStorage(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, DefaultTimeout = 60, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA busy_timeout=60000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS trials (number INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, value REAL, host TEXT NOT NULL, pid INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS params (trial INTEGER NOT NULL, name TEXT NOT NULL, value REAL NOT NULL, distribution TEXT NOT NULL, PRIMARY KEY (trial, name));
            CREATE TABLE IF NOT EXISTS intermediate (trial INTEGER NOT NULL, step INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (trial, step));
            """);
        FailOrphans();
    }

    public string Path { get; }

    /// <summary>Trials this machine left running in processes that are gone become failed.</summary>
    public int FailOrphans()
    {
        var orphans = new List<long>();
        using (var command = Command("SELECT number, pid FROM trials WHERE state = 'Running' AND host = $host", ("$host", Environment.MachineName)))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                if (!ProcessAlive(reader.GetInt32(1))) orphans.Add(reader.GetInt64(0));
        foreach (long number in orphans)
            using (var update = Command("UPDATE trials SET state = 'Failed' WHERE number = $n AND state = 'Running'", ("$n", number))) update.ExecuteNonQuery();
        return orphans.Count;
    }

    public int CreateTrial()
    {
        using var transaction = _connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one writer at a time
        using var command = Command("INSERT INTO trials (state, host, pid) VALUES ('Running', $host, $pid); SELECT last_insert_rowid();",
            ("$host", Environment.MachineName), ("$pid", Environment.ProcessId));
        command.Transaction = transaction;
        long number = (long)command.ExecuteScalar()!;
        transaction.Commit();
        return (int)number - 1; // numbers from 0, as Optuna's
    }

    public int? TryCreateTrial(int limit)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var count = Command("SELECT COUNT(*) FROM trials");
        count.Transaction = transaction;
        if ((long)count.ExecuteScalar()! >= limit) return null;
        using var command = Command("INSERT INTO trials (state, host, pid) VALUES ('Running', $host, $pid); SELECT last_insert_rowid();",
            ("$host", Environment.MachineName), ("$pid", Environment.ProcessId));
        command.Transaction = transaction;
        long number = (long)command.ExecuteScalar()!;
        transaction.Commit();
        return (int)number - 1;
    }

    public void SetParam(int trial, string name, double value, Distribution distribution)
    {
        using var command = Command("INSERT OR REPLACE INTO params (trial, name, value, distribution) VALUES ($t, $n, $v, $d)",
            ("$t", trial + 1), ("$n", name), ("$v", value), ("$d", Serialize(distribution)));
        command.ExecuteNonQuery();
    }

    public void Report(int trial, int step, double value)
    {
        using var command = Command("INSERT OR REPLACE INTO intermediate (trial, step, value) VALUES ($t, $s, $v)", ("$t", trial + 1), ("$s", step), ("$v", value));
        command.ExecuteNonQuery();
    }

    public void Finish(int trial, TrialState state, double? value)
    {
        using var command = Command("UPDATE trials SET state = $state, value = $value WHERE number = $t",
            ("$state", state.ToString()), ("$value", value is double v ? v : DBNull.Value), ("$t", trial + 1));
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<FrozenTrial> Trials()
    {
        var trials = new SortedDictionary<long, (TrialState State, double? Value, Dictionary<string, double> Params, Dictionary<string, Distribution> Distributions, Dictionary<int, double> Intermediate)>();
        using (var command = Command("SELECT number, state, value FROM trials"))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                trials[reader.GetInt64(0)] = (Enum.Parse<TrialState>(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetDouble(2), [], [], []);
        using (var command = Command("SELECT trial, name, value, distribution FROM params"))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                if (trials.TryGetValue(reader.GetInt64(0), out var t))
                {
                    t.Params[reader.GetString(1)] = reader.GetDouble(2);
                    t.Distributions[reader.GetString(1)] = Deserialize(reader.GetString(3));
                }
        using (var command = Command("SELECT trial, step, value FROM intermediate"))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                if (trials.TryGetValue(reader.GetInt64(0), out var t)) t.Intermediate[reader.GetInt32(1)] = reader.GetDouble(2);
        return trials.Select(kv => new FrozenTrial((int)kv.Key - 1, kv.Value.State, kv.Value.Params, kv.Value.Distributions, kv.Value.Intermediate, kv.Value.Value)).ToList();
    }

    private static string Serialize(Distribution d) => d switch
    {
        FloatDistribution f => JsonSerializer.Serialize(new { kind = "float", low = f.Low, high = f.High, log = f.Log }, Json),
        IntDistribution i => JsonSerializer.Serialize(new { kind = "int", low = i.Low, high = i.High, log = i.Log }, Json),
        CategoricalDistribution c => JsonSerializer.Serialize(new { kind = "categorical", choices = c.Choices }, Json),
        _ => throw new ArgumentException($"unknown distribution {d}"),
    };

    private static Distribution Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return root.GetProperty("kind").GetString() switch
        {
            "float" => new FloatDistribution(root.GetProperty("low").GetDouble(), root.GetProperty("high").GetDouble(), root.GetProperty("log").GetBoolean()),
            "int" => new IntDistribution(root.GetProperty("low").GetInt32(), root.GetProperty("high").GetInt32(), root.GetProperty("log").GetBoolean()),
            "categorical" => new CategoricalDistribution(root.GetProperty("choices").EnumerateArray().Select(e => e.GetString()!).ToList()),
            var kind => throw new InvalidDataException($"study storage: unknown distribution kind '{kind}'"),
        };
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    public void Dispose() => _connection.Dispose();
}
