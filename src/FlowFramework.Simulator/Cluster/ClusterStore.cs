using System.Text.Json;
using FlowFramework.Simulator.Hosting;

namespace FlowFramework.Simulator.Cluster;

/// <summary>
/// The simulated cluster's state behind one lock. Every mutation runs under <see cref="Gate"/> and ends with
/// <see cref="Commit"/>, which writes the whole state atomically (temp file + rename) when a data dir is set,
/// so an acknowledged change survives a kill.
/// </summary>
internal sealed class ClusterStore
{
    private static readonly JsonSerializerOptions FileOptions = new() { WriteIndented = false };
    private readonly string? _file;

    public ClusterStore(string? dataDir, SimConfig config)
    {
        Config = config;
        if (dataDir is not null)
        {
            Directory.CreateDirectory(dataDir);
            _file = Path.Combine(dataDir, "cluster.json");
            if (File.Exists(_file))
            {
                Data = JsonSerializer.Deserialize<ClusterData>(File.ReadAllText(_file), FileOptions) ?? new ClusterData();
                RecoverInterruptedProvisioning();
                RecoverMlIndices();
                Data.TransientSettings.Clear();
            }
        }
    }

    public object Gate { get; } = new();
    public ClusterData Data { get; private set; } = new();
    public SimConfig Config { get; }
    public string NodeId { get; } = Ids.New()[..20];

    public long NextSeqNo() => Data.SeqNo++;

    /// <summary>Call under <see cref="Gate"/> after a change.</summary>
    public void Commit()
    {
        if (_file is null)
        {
            return;
        }
        var temp = _file + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, Data, FileOptions);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, _file, overwrite: true);
    }

    public void Reset()
    {
        lock (Gate)
        {
            Data = new ClusterData();
            Commit();
        }
    }

    /// <summary>A file written before the ML indices were tracked: an index exists when it holds documents.</summary>
    private void RecoverMlIndices()
    {
        if (Data.Connectors.Count > 0) { Data.MlIndices.Add(Ml.MlService.ConnectorIndex); }
        if (Data.Models.Count > 0) { Data.MlIndices.Add(Ml.MlService.ModelIndex); }
        if (Data.ModelGroups.Count > 0) { Data.MlIndices.Add(Ml.MlService.ModelGroupIndex); }
        if (Data.Agents.Count > 0) { Data.MlIndices.Add(Ml.MlService.AgentIndex); }
    }

    /// <summary>A provisioning run cannot resume after a restart; the real server leaves it IN_PROGRESS too, but
    /// then nothing could ever finish it, so it is marked FAILED like a node that died mid-run.</summary>
    private void RecoverInterruptedProvisioning()
    {
        foreach (var state in Data.States.Values.Where(s => s.Progress == "IN_PROGRESS"))
        {
            state.State = "FAILED";
            state.Progress = "FAILED";
            state.Error = "NodeClosedException during step provisioning, node closed while provisioning, restStatus: INTERNAL_SERVER_ERROR";
            state.EndTime = Ids.NowMs();
        }
    }
}
