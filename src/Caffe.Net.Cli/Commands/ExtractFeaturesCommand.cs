using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe extract_features WEIGHTS MODEL BLOB1[,BLOB2...] OUT1[,OUT2...] NUM_BATCHES [lmdb|leveldb] [CPU|GPU] [DEVICE_ID]</c>:
/// BVLC's <c>tools/extract_features</c>. Loads MODEL in the TEST phase with WEIGHTS, runs NUM_BATCHES forward passes
/// and writes each blob's per-item features to its own new database (a Datum with <c>float_data</c> per item, keys
/// "0", "1", ...). LMDB output is supported; <c>--format npy</c> writes one .npy file per blob instead (OUT names the
/// files). Caffe.Net runs on the CPU: GPU and a device id are accepted and ignored with a warning.
/// </summary>
internal static class ExtractFeaturesCommand
{
    public static Command Create()
    {
        var weights = new Argument<string>("pretrained_net_param") { Description = "The .caffemodel (or .h5) weights." };
        var model = new Argument<string>("feature_extraction_proto_file") { Description = "The net prototxt; its data layers feed the batches." };
        var blobs = new Argument<string>("extract_feature_blob_names") { Description = "Comma-separated blob names." };
        var outputs = new Argument<string>("save_feature_dataset_names") { Description = "Comma-separated output databases (or .npy files), one per blob." };
        var batches = new Argument<int>("num_mini_batches") { Description = "How many forward passes to run." };
        var rest = new Argument<string[]>("db_type") { Description = "lmdb (default) or leveldb, then optionally CPU|GPU and a device id.", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format", "-format") { Description = "Output format: db (default, the db_type backend) or npy." };
        var command = new Command("extract_features", "Extract features of blobs of a trained net into databases.")
        {
            weights, model, blobs, outputs, batches, rest, format,
        };
        command.SetAction(result => Run(result.GetRequiredValue(weights), result.GetRequiredValue(model), result.GetRequiredValue(blobs),
                                        result.GetRequiredValue(outputs), result.GetValue(batches), result.GetValue(rest) ?? [],
                                        result.GetValue(format) ?? "db"));
        return command;
    }

    public static int Run(string weights, string model, string blobs, string outputs, int numBatches, string[] rest, string format)
    {
        string backend = rest.Length > 0 ? rest[0] : "lmdb";
        if (rest.Length > 1 && rest[1].Equals("GPU", StringComparison.OrdinalIgnoreCase))
            CaffeLog.Warning("GPU requested: Caffe.Net runs on the CPU.");
        else if (rest.Length > 1 && !rest[1].Equals("CPU", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Expected CPU or GPU after the database type, got '{rest[1]}'.");
        if (rest.Length > 3) throw new ArgumentException($"Unexpected arguments after the device id: {string.Join(" ", rest.Skip(3))}.");
        if (numBatches < 0) throw new ArgumentException($"num_mini_batches must be ≥ 0, got {numBatches}.");
        string[] blobNames = blobs.Split(',');
        string[] outputNames = outputs.Split(',');
        if (blobNames.Length != outputNames.Length)
            throw new ArgumentException(
                $"The number of blob names ({blobNames.Length}) and dataset names ({outputNames.Length}) must be equal.");
        CaffeLog.Info("Using CPU");
        var net = new Net(model, Phase.Test, weights: weights);
        switch (format.ToLowerInvariant())
        {
            case "db":
                FeatureExtractor.ExtractToDb(net, blobNames, outputNames, numBatches, backend);
                break;
            case "npy":
                FeatureExtractor.ExtractToNpy(net, blobNames, outputNames, numBatches);
                break;
            default:
                throw new ArgumentException($"--format must be db or npy, got '{format}'.");
        }
        return 0;
    }
}
