using System.CommandLine;
using System.Globalization;
using Google.Protobuf;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe convert_imageset [FLAGS] ROOTFOLDER/ LISTFILE DB_NAME</c>: Caffe's <c>tools/convert_imageset</c>. Reads
/// the images named in LISTFILE (<c>path label</c> per line, paths relative to ROOTFOLDER — which is prepended as
/// is, so it needs its trailing slash) and writes them as <see cref="Datum"/> records keyed
/// <c>%08d_path</c> to a new LMDB or LevelDB database, committing every 1000 images. Images that cannot be read are
/// logged and skipped, as Caffe does; a label that is not an integer stops the conversion.
/// </summary>
internal static class ConvertImagesetCommand
{
    public static Command Create()
    {
        var gray = new Option<bool>("--gray", "-gray") { Description = "Treat images as grayscale ones." };
        var shuffle = new Option<bool>("--shuffle", "-shuffle") { Description = "Randomly shuffle the order of images and their labels." };
        var backend = new Option<string>("--backend", "-backend") { Description = "The backend {lmdb, leveldb} for storing the result.", DefaultValueFactory = _ => "lmdb" };
        var resizeWidth = new Option<int>("--resize_width", "-resize_width") { Description = "Width images are resized to (0: keep)." };
        var resizeHeight = new Option<int>("--resize_height", "-resize_height") { Description = "Height images are resized to (0: keep)." };
        var checkSize = new Option<bool>("--check_size", "-check_size") { Description = "Check that all the datums have the same size." };
        var encoded = new Option<bool>("--encoded", "-encoded") { Description = "Store the encoded image in the datum." };
        var encodeType = new Option<string>("--encode_type", "-encode_type") { Description = "Encoding of the stored images ('png', 'jpg', ...).", DefaultValueFactory = _ => "" };
        var root = new Argument<string>("ROOTFOLDER/") { Description = "Prefix of the image paths (keep its trailing slash)." };
        var list = new Argument<string>("LISTFILE") { Description = "Lines 'path label'." };
        var db = new Argument<string>("DB_NAME") { Description = "The database to create." };
        var command = new Command("convert_imageset", "Convert a set of images to an LMDB/LevelDB database of Datums, as input for Caffe.")
        {
            gray, shuffle, backend, resizeWidth, resizeHeight, checkSize, encoded, encodeType, root, list, db,
        };
        command.SetAction(r => Run(new Settings(
            r.GetRequiredValue(root), r.GetRequiredValue(list), r.GetRequiredValue(db), r.GetValue(backend) ?? "lmdb",
            !r.GetValue(gray), r.GetValue(shuffle), r.GetValue(resizeHeight), r.GetValue(resizeWidth),
            r.GetValue(checkSize), r.GetValue(encoded), r.GetValue(encodeType) ?? "")));
        return command;
    }

    public sealed record Settings(string RootFolder, string ListFile, string DbName, string Backend, bool IsColor, bool Shuffle,
                                  int ResizeHeight, int ResizeWidth, bool CheckSize, bool Encoded, string EncodeType);

    public static int Run(Settings s)
    {
        DataParameter.Types.DB backend = Db.ParseBackend(s.Backend);
        List<ImageListEntry> lines = ImageList.Read(s.ListFile);
        if (s.Shuffle)
        {
            CaffeLog.Info("Shuffling data");
            ImageList.Shuffle(lines);
        }
        CaffeLog.Info($"A total of {lines.Count} images.");
        if (s.EncodeType.Length > 0 && !s.Encoded) CaffeLog.Info("encode_type specified, assuming encoded=true.");
        bool encoded = s.Encoded || s.EncodeType.Length > 0;
        int resizeHeight = Math.Max(0, s.ResizeHeight), resizeWidth = Math.Max(0, s.ResizeWidth);

        using IDatabase db = Db.Open(s.DbName, backend, DbMode.New);
        using IDbTransaction txn = db.NewTransaction();
        int count = 0;
        int dataSize = -1;
        for (int lineId = 0; lineId < lines.Count; lineId++)
        {
            ImageListEntry entry = lines[lineId];
            string encoding = s.EncodeType;
            if (encoded && encoding.Length == 0)
            {
                // Guess the encoding from the file name.
                int dot = entry.FileName.LastIndexOf('.');
                if (dot < 0) CaffeLog.Warning($"Failed to guess the encoding of '{entry.FileName}'");
                encoding = entry.FileName[(dot + 1)..].ToLowerInvariant();
            }
            string path = s.RootFolder + entry.FileName;
            Datum datum;
            try
            {
                datum = DatumIO.ReadImageToDatum(path, entry.Label, resizeHeight, resizeWidth, s.IsColor, encoding);
            }
            catch (Exception e) when (e is IOException or ModelFormatException)
            {
                CaffeLog.Error($"Could not open or find file {path}: {e.Message}");
                continue;
            }
            if (s.CheckSize)
            {
                if (dataSize < 0) dataSize = datum.Channels * datum.Height * datum.Width;
                else if (datum.Data.Length != dataSize)
                {
                    throw new ModelFormatException(s.ListFile,
                        $"line {entry.LineNumber} ({entry.FileName}): incorrect data field size {datum.Data.Length}, expected {dataSize} (check_size).");
                }
            }
            string key = lineId.ToString("D8", CultureInfo.InvariantCulture) + "_" + entry.FileName;
            txn.Put(key, datum.ToByteArray());
            if (++count % 1000 == 0)
            {
                txn.Commit();
                CaffeLog.Info($"Processed {count} files.");
            }
        }
        if (count % 1000 != 0)
        {
            txn.Commit();
            CaffeLog.Info($"Processed {count} files.");
        }
        return 0;
    }
}
