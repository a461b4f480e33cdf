using System.CommandLine;
using System.Globalization;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe compute_image_mean [-backend lmdb|leveldb] INPUT_DB [OUTPUT_FILE]</c>: Caffe's <c>tools/compute_image_mean</c>.
/// Averages every datum of the database (encoded ones decoded natively) in float, as Caffe does, writes the mean
/// as a 1×C×H×W <c>.binaryproto</c> when OUTPUT_FILE is given, and logs the mean of each channel.
/// </summary>
internal static class ComputeImageMeanCommand
{
    public static Command Create()
    {
        var backend = new Option<string>("--backend", "-backend") { Description = "The backend {lmdb, leveldb} of the input.", DefaultValueFactory = _ => "lmdb" };
        var input = new Argument<string>("INPUT_DB") { Description = "The database of Datums." };
        var output = new Argument<string?>("OUTPUT_FILE") { Description = "Where to write the mean (.binaryproto).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("compute_image_mean", "Compute the mean image of a set of images given by a leveldb/lmdb.")
        {
            backend, input, output,
        };
        command.SetAction(r => Run(r.GetRequiredValue(input), r.GetValue(output), r.GetValue(backend) ?? "lmdb"));
        return command;
    }

    public static int Run(string inputDb, string? outputFile, string backendName)
    {
        using IDatabase db = Db.Open(inputDb, Db.ParseBackend(backendName), DbMode.Read);
        using IDbCursor cursor = db.NewCursor();
        if (!cursor.Valid) throw new DatabaseException(inputDb, null, "the database is empty: there is nothing to average.");

        Datum first = DatumIO.Parse(cursor.Value, inputDb, cursor.Key);
        if (DatumIO.DecodeDatum(first, ImageColorMode.Native, $"{inputDb}, key '{cursor.Key}'")) CaffeLog.Info("Decoding Datum");
        var sum = new BlobProto { Num = 1, Channels = first.Channels, Height = first.Height, Width = first.Width };
        int dataSize = first.Channels * first.Height * first.Width;
        var total = new float[Math.Max(first.Data.Length, first.FloatData.Count)];
        CaffeLog.Info("Starting iteration");
        int count = 0;
        for (; cursor.Valid; cursor.Next())
        {
            string key = cursor.Key;
            Datum datum = DatumIO.Parse(cursor.Value, inputDb, key);
            DatumIO.DecodeDatum(datum, ImageColorMode.Native, $"{inputDb}, key '{key}'");
            int size = Math.Max(datum.Data.Length, datum.FloatData.Count);
            if (size != dataSize || size != total.Length)
                throw new DatabaseException(inputDb, key, $"incorrect data field size {size}: the first datum has {dataSize} values.");
            if (datum.Data.Length > 0)
            {
                ReadOnlySpan<byte> bytes = datum.Data.Span;
                for (int i = 0; i < size; i++) total[i] += bytes[i];
            }
            else
            {
                for (int i = 0; i < size; i++) total[i] += datum.FloatData[i];
            }
            if (++count % 10000 == 0) CaffeLog.Info($"Processed {count} files.");
        }
        if (count % 10000 != 0) CaffeLog.Info($"Processed {count} files.");
        for (int i = 0; i < total.Length; i++) total[i] /= count;
        sum.Data.Add(total);
        if (outputFile != null)
        {
            CaffeLog.Info($"Write to {outputFile}");
            ProtoIO.WriteProtoToBinaryFile(sum, outputFile);
        }
        int channels = sum.Channels;
        int dim = sum.Height * sum.Width;
        CaffeLog.Info($"Number of channels: {channels}");
        for (int c = 0; c < channels; c++)
        {
            float channelSum = 0;
            for (int i = 0; i < dim; i++) channelSum += total[dim * c + i];
            CaffeLog.Info($"mean_value channel [{c}]:{(channelSum / dim).ToString("G6", CultureInfo.InvariantCulture)}");
        }
        return 0;
    }
}
