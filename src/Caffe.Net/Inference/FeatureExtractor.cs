using System.Globalization;
using Google.Protobuf;

namespace Caffe;

/// <summary>
/// Caffe's <c>tools/extract_features</c> as a library: runs a net forward batch after batch and hands out, for every
/// item of each batch, the values of the requested blobs. The net's data layers (or <c>beforeBatch</c>, for nets
/// fed through Input layers) supply the batches.
/// </summary>
public static class FeatureExtractor
{
    /// <summary>How often a database commit happens, in records, as in Caffe's tool.</summary>
    public const int CommitInterval = 1000;

    /// <summary>
    /// Runs <paramref name="numBatches"/> forward passes; after each, calls <paramref name="onFeature"/> with the blob
    /// name, the running item index of that blob (0, 1, ...) and a copy of the item's values (the blob's shape
    /// without its first axis). <paramref name="beforeBatch"/> runs before each forward with the batch index.
    /// </summary>
    /// <exception cref="ArgumentException">A blob name is not in the net, or <paramref name="numBatches"/> is negative.</exception>
    public static void Extract(Net net, IReadOnlyList<string> blobNames, int numBatches, Action<string, int, NdArray> onFeature,
                               Action<int>? beforeBatch = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(blobNames);
        ArgumentNullException.ThrowIfNull(onFeature);
        CheckBlobs(net, blobNames);
        if (numBatches < 0) throw new ArgumentOutOfRangeException(nameof(numBatches), numBatches, "The number of batches cannot be negative.");
        var counts = new int[blobNames.Count];
        for (int batch = 0; batch < numBatches; batch++)
        {
            beforeBatch?.Invoke(batch);
            net.ForwardLoss();
            for (int i = 0; i < blobNames.Count; i++)
            {
                Blob blob = net.Blobs[blobNames[i]];
                int batchSize = blob.NumAxes == 0 ? 1 : blob.ShapeAt(0);
                int[] itemShape = blob.NumAxes == 0 ? [] : [.. blob.Shape.Skip(1)];
                int dim = batchSize == 0 ? 0 : blob.Count / batchSize;
                for (int n = 0; n < batchSize; n++)
                    onFeature(blobNames[i], counts[i]++, new NdArray(blob.Data.Slice(n * dim, dim).ToArray(), itemShape));
            }
        }
    }

    /// <summary>
    /// The features as arrays, one per blob: all items of all batches stacked along the first axis
    /// (numBatches·batch × the blob's other axes).
    /// </summary>
    public static IReadOnlyDictionary<string, NdArray> ExtractToArrays(Net net, IReadOnlyList<string> blobNames, int numBatches,
                                                                      Action<int>? beforeBatch = null)
    {
        var items = blobNames.ToDictionary(name => name, _ => new List<NdArray>(), StringComparer.Ordinal);
        Extract(net, blobNames, numBatches, (name, _, features) => items[name].Add(features), beforeBatch);
        var result = new Dictionary<string, NdArray>(StringComparer.Ordinal);
        foreach (string name in blobNames)
        {
            List<NdArray> list = items[name];
            int[] itemShape = list.Count > 0 ? [.. list[0].Shape] : [.. net.Blobs[name].Shape.Skip(1)];
            float[] data = list.SelectMany(a => a.Data).ToArray();
            result[name] = new NdArray(data, [list.Count, .. itemShape]);
        }
        return result;
    }

    /// <summary>
    /// What <c>extract_features</c> writes: for each blob a new database (<paramref name="backend"/> "lmdb" or "leveldb") holding one
    /// <see cref="Datum"/> per item — channels 1, height = the item's value count, width 1, the values in
    /// <c>float_data</c> — under the keys "0", "1", ... (decimal, so the byte order of LMDB and LevelDB sorts "10" before "2", as Caffe's).
    /// </summary>
    public static void ExtractToDb(Net net, IReadOnlyList<string> blobNames, IReadOnlyList<string> dbPaths, int numBatches,
                                   string backend = "lmdb", Action<int>? beforeBatch = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        CheckPaths(blobNames, dbPaths);
        CheckBlobs(net, blobNames);
        var writers = new List<DbWriter>();
        try
        {
            foreach (string path in dbPaths)
            {
                CaffeLog.Info($"Opening dataset {path}");
                writers.Add(DbWriter.Create(backend, path));
            }
            var index = blobNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
            CaffeLog.Info("Extracting Features");
            var counts = new int[blobNames.Count];
            Extract(net, blobNames, numBatches, (name, item, features) =>
            {
                int i = index[name];
                var datum = new Datum { Channels = 1, Height = features.Count, Width = 1 };
                datum.FloatData.Add(features.Data);
                writers[i].Put(item.ToString(CultureInfo.InvariantCulture), datum.ToByteArray());
                counts[i] = item + 1;
                if (counts[i] % CommitInterval == 0)
                {
                    writers[i].Commit();
                    CaffeLog.Info($"Extracted features of {counts[i]} query images for feature blob {name}");
                }
            }, beforeBatch);
            for (int i = 0; i < writers.Count; i++)
            {
                writers[i].Close();
                CaffeLog.Info($"Extracted features of {counts[i]} query images for feature blob {blobNames[i]}");
            }
            CaffeLog.Info("Successfully extracted the features!");
        }
        finally
        {
            foreach (DbWriter writer in writers) writer.Dispose();
        }
    }

    /// <summary>The features of each blob saved as one float32 .npy file (see <see cref="ExtractToArrays"/>).</summary>
    public static void ExtractToNpy(Net net, IReadOnlyList<string> blobNames, IReadOnlyList<string> npyPaths, int numBatches,
                                    Action<int>? beforeBatch = null)
    {
        CheckPaths(blobNames, npyPaths);
        IReadOnlyDictionary<string, NdArray> arrays = ExtractToArrays(net, blobNames, numBatches, beforeBatch);
        for (int i = 0; i < blobNames.Count; i++)
        {
            Npy.Save(npyPaths[i], arrays[blobNames[i]]);
            CaffeLog.Info($"Extracted features of {arrays[blobNames[i]].Shape[0]} query images for feature blob {blobNames[i]} into {npyPaths[i]}");
        }
        CaffeLog.Info("Successfully extracted the features!");
    }

    private static void CheckPaths(IReadOnlyList<string> blobNames, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(blobNames);
        ArgumentNullException.ThrowIfNull(paths);
        if (blobNames.Count != paths.Count)
            throw new ArgumentException(
                $"The number of blob names ({blobNames.Count}) and dataset names ({paths.Count}) must be equal.");
    }

    private static void CheckBlobs(Net net, IReadOnlyList<string> blobNames)
    {
        if (blobNames.Count == 0) throw new ArgumentException("No feature blob names given.");
        foreach (string name in blobNames)
        {
            if (!net.Blobs.ContainsKey(name))
                throw new ArgumentException($"Unknown feature blob name '{name}' in the network '{net.Name}' (blobs: {string.Join(", ", net.BlobNames)}).");
        }
    }
}
