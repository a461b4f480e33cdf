namespace Caffe;

/// <summary>
/// Writes its two bottoms to <c>hdf5_output_param.file_name</c> as float32 datasets <c>data</c> and <c>label</c>, with
/// the bottoms' shapes as legacy 4-D (N, C, H, W). Caffe writes the file once and fails on a second forward; here every forward appends its
/// rows and rewrites the file atomically, so it always holds every row seen so far (a cost linear in the rows
/// written: meant for feature dumps, not for huge outputs). No tops, no backward.
/// </summary>
public sealed class HDF5OutputLayer(LayerParameter param) : Layer(param)
{
    /// <summary>Caffe's <c>HDF5_DATA_DATASET_NAME</c>.</summary>
    public const string DataDatasetName = "data";

    /// <summary>Caffe's <c>HDF5_DATA_LABEL_NAME</c>.</summary>
    public const string LabelDatasetName = "label";

    private readonly List<float> _data = [];
    private readonly List<float> _labels = [];
    private int[] _dataShape = [];
    private int[] _labelShape = [];
    private int _rows;

    /// <inheritdoc/>
    public override string Type => "HDF5Output";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 0;

    /// <summary>The file written.</summary>
    public string FileName => Param.Hdf5OutputParam?.FileName ?? "";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (FileName.Length == 0) throw Error("hdf5_output_param.file_name is required.");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(FileName));
        if (directory == null || !Directory.Exists(directory))
            throw Error($"failed to open HDF5 file {FileName}: its directory does not exist.");
        _data.Clear();
        _labels.Clear();
        _rows = 0;
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom[0].NumAxes == 0 || bottom[1].NumAxes == 0 || bottom[0].ShapeAt(0) != bottom[1].ShapeAt(0))
            throw Error($"data blob and label blob must have the same batch size: {bottom[0].ShapeString} vs {bottom[1].ShapeString}.");
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // Caffe stores both as legacy 4-D (N, C, H, W) datasets.
        int[] dataRow = LegacyRow(bottom[0]);
        int[] labelRow = LegacyRow(bottom[1]);
        if (_rows > 0 && (!dataRow.SequenceEqual(_dataShape) || !labelRow.SequenceEqual(_labelShape)))
        {
            throw Error($"rows of a later batch ({Blob.ShapeText(dataRow)} / {Blob.ShapeText(labelRow)}) differ from the rows " +
                        $"already written to {FileName} ({Blob.ShapeText(_dataShape)} / {Blob.ShapeText(_labelShape)}).");
        }
        _dataShape = dataRow;
        _labelShape = labelRow;
        _data.AddRange(bottom[0].Data);
        _labels.AddRange(bottom[1].Data);
        _rows += bottom[0].ShapeAt(0);
        CaffeLog.Info($"Saving HDF5 file {FileName}");
        var writer = new Hdf5Writer();
        writer.AddFloats(DataDatasetName, _data.ToArray(), [_rows, .. _dataShape]);
        writer.AddFloats(LabelDatasetName, _labels.ToArray(), [_rows, .. _labelShape]);
        writer.Write(FileName);
        CaffeLog.Info($"Successfully saved {bottom[0].ShapeAt(0)} rows");
    }

    private int[] LegacyRow(Blob blob)
    {
        if (blob.NumAxes > 4) throw Error($"bottoms of more than 4 axes cannot be saved: {blob.ShapeString}.");
        return [blob.Channels, blob.Height, blob.Width];
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }
}
