using System.Globalization;
using Google.Protobuf;
using Caffe.Cli;
using Caffe.Tests.Data;

namespace Caffe.Tests.Cli;

/// <summary>
/// A tiny classification problem for the <c>caffe train</c>/<c>test</c> tests: an LMDB of 1×4×4 images whose class
/// (0, 1 or 2) lights one row, a net (Data → InnerProduct → SoftmaxWithLoss, plus Accuracy at TEST) and a solver,
/// all with absolute paths in a temporary folder.
/// </summary>
internal sealed class TinyTrainingSetup : IDisposable
{
    public const int Classes = 3;
    public const int BatchSize = 4;

    private readonly TempDir _dir = new();

    /// <param name="labels">The label of each record; by default 24 records labelled 0, 1, 2, 0, …</param>
    /// <param name="extraTrainLayers">Prototxt layers inserted after "ip" (meant for the TRAIN phase).</param>
    /// <param name="extraTestLayers">Prototxt layers inserted after those (meant for the TEST phase).</param>
    public TinyTrainingSetup(IReadOnlyList<int>? labels = null, string extraTrainLayers = "", string extraTestLayers = "")
    {
        labels ??= [.. Enumerable.Range(0, 24).Select(i => i % Classes)];
        Lmdb = _dir.File("tiny_lmdb");
        // Keys as convert_mnist_data writes them (%08d), so that the cursor order is the record order.
        DataTestSupport.Write(Lmdb, DataParameter.Types.DB.Lmdb, labels.Select((label, i) =>
            (i.ToString("D8", CultureInfo.InvariantCulture),
             DataTestSupport.RawDatum(label, 1, 4, 4, j => j / 4 == label % 4 ? 200 + i % 50 : (i * 7 + j * 13) % 40).ToByteArray())));
        NetPath = _dir.File("net.prototxt");
        WriteNet(Lmdb, extraTrainLayers, extraTestLayers);
        Prefix = _dir.File("snapshots") + "/tiny";
        Directory.CreateDirectory(Path.GetDirectoryName(Prefix)!);
    }

    public string Folder => _dir.Path;

    public string Lmdb { get; }

    public string NetPath { get; }

    /// <summary>The snapshot prefix: <c>&lt;folder&gt;/snapshots/tiny</c>.</summary>
    public string Prefix { get; }

    public string File(string name) => _dir.File(name);

    /// <summary>Rewrites the net with another data source (e.g. a missing database).</summary>
    public void WriteNet(string source, string extraTrainLayers = "", string extraTestLayers = "") =>
        System.IO.File.WriteAllText(NetPath, $$"""
            name: "Tiny"
            layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TRAIN }
                    transform_param { scale: 0.00390625 }
                    data_param { source: "{{source}}" batch_size: {{BatchSize}} backend: LMDB } }
            layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TEST }
                    transform_param { scale: 0.00390625 }
                    data_param { source: "{{source}}" batch_size: {{BatchSize}} backend: LMDB } }
            layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip"
                    inner_product_param { num_output: {{Classes}} weight_filler { type: "xavier" } } }
            {{extraTrainLayers}}
            {{extraTestLayers}}
            layer { name: "accuracy" type: "Accuracy" bottom: "ip" bottom: "label" top: "accuracy" include { phase: TEST } }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
            """);

    /// <summary>Writes a solver (SGD, display 1, test every 3 iterations on 2 batches) with extra fields.</summary>
    public string WriteSolver(int maxIter, int snapshot = 0, string extra = "", float baseLr = 0.1f)
    {
        string path = _dir.File("solver.prototxt");
        System.IO.File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            net: "{NetPath}"
            test_iter: 2
            test_interval: 3
            base_lr: {baseLr}
            momentum: 0.9
            lr_policy: "fixed"
            display: 1
            max_iter: {maxIter}
            snapshot: {snapshot}
            snapshot_prefix: "{Prefix}"
            random_seed: 1701
            {extra}
            """));
        return path;
    }

    /// <summary>The files in the snapshot folder, by name.</summary>
    public string[] SnapshotFiles() =>
        [.. Directory.GetFiles(Path.GetDirectoryName(Prefix)!).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    public void Dispose() => _dir.Dispose();
}

/// <summary>A captured log that can act on a line as it is written (as a signal would arrive mid-training).</summary>
internal sealed class WatchingWriter(Func<string, bool> trigger, Action action) : StringWriter
{
    private readonly Lock _gate = new();
    private bool _fired;

    public override void WriteLine(string? value)
    {
        bool fire;
        lock (_gate)
        {
            base.WriteLine(value);
            fire = !_fired && value != null && trigger(value);
            _fired |= fire;
        }
        if (fire) action();
    }

    public override string ToString()
    {
        lock (_gate) return base.ToString();
    }
}

internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(new StringWriter(), args);

    public static (int Code, string Out, string Err) Run(StringWriter stderr, params string[] args)
    {
        var stdout = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The message part of each captured glog line (after the severity letter, date and time).</summary>
    public static string[] Messages(string log) =>
        [.. log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
               .Select(line => line.TrimEnd('\r'))
               .Select(line => line.Length > 22 && "DIWE".Contains(line[0]) && line[5] == ' ' ? line[22..] : line)];
}
