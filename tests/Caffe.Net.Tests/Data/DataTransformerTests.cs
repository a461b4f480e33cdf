namespace Caffe.Tests.Data;

/// <summary>Caffe's test_data_transformer.cpp, plus images, blobs, encoded datums and bad parameters.</summary>
[TestClass]
public sealed class DataTransformerTests
{
    private const int NumIter = 10;

    private static Datum FillDatum(int label, int channels, int height, int width, bool uniquePixels) =>
        DataTestSupport.RawDatum(label, channels, height, width, j => uniquePixels ? j : label);

    private static TransformationParameter Transform(string text) => TextFormat.Parse<TransformationParameter>(text);

    // Transforms NumIter times after seeding, then NumIter more times, and counts the values that repeat.
    private static int NumSequenceMatches(TransformationParameter param, Datum datum, Phase phase)
    {
        int cropSize = (int)param.CropSize;
        Rng.SetRandomSeed(1701);
        var transformer = new DataTransformer(param, phase);
        var blob = cropSize > 0 ? new Blob(1, datum.Channels, cropSize, cropSize) : new Blob(1, datum.Channels, datum.Height, datum.Width);
        var sequence = new List<float[]>();
        for (int iter = 0; iter < NumIter; iter++)
        {
            transformer.Transform(datum, blob);
            sequence.Add(blob.Data.ToArray());
        }
        int matches = 0;
        for (int iter = 0; iter < NumIter; iter++)
        {
            transformer.Transform(datum, blob);
            for (int j = 0; j < blob.Count; j++) matches += sequence[iter][j] == blob.Data[j] ? 1 : 0;
        }
        return matches;
    }

    [TestMethod]
    public void EmptyTransform()
    {
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: false);
        var blob = new Blob(1, 3, 4, 5);
        new DataTransformer(new TransformationParameter(), Phase.Test).Transform(datum, blob);
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 5 }, blob.Shape.ToArray());
        foreach (float v in blob.Data) Assert.AreEqual(0f, v);
    }

    [TestMethod]
    public void EmptyTransformUniquePixels()
    {
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: true);
        var blob = new Blob(1, 3, 4, 5);
        new DataTransformer(new TransformationParameter(), Phase.Test).Transform(datum, blob);
        for (int j = 0; j < blob.Count; j++) Assert.AreEqual(j, blob.Data[j]);
    }

    [TestMethod]
    public void CropSize()
    {
        Datum datum = FillDatum(0, 2, 7, 5, uniquePixels: false);
        var transformer = new DataTransformer(Transform("crop_size: 3"), Phase.Test);
        var blob = new Blob(1, 2, 3, 3);
        for (int iter = 0; iter < NumIter; iter++)
        {
            transformer.Transform(datum, blob);
            CollectionAssert.AreEqual(new[] { 1, 2, 3, 3 }, blob.Shape.ToArray());
            foreach (float v in blob.Data) Assert.AreEqual(0f, v);
        }
    }

    [TestMethod]
    public void CropTrain()
    {
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: true);
        int size = 3 * 2 * 2;
        Assert.IsLessThan(size * NumIter, NumSequenceMatches(Transform("crop_size: 2"), datum, Phase.Train));
    }

    [TestMethod]
    public void CropTest()
    {
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: true);
        int size = 3 * 2 * 2;
        Assert.AreEqual(size * NumIter, NumSequenceMatches(Transform("crop_size: 2"), datum, Phase.Test));
    }

    [TestMethod]
    public void MirrorTrain()
    {
        Datum datum = FillDatum(0, 2, 4, 5, uniquePixels: true);
        Assert.IsLessThan(2 * 4 * 5 * NumIter, NumSequenceMatches(Transform("mirror: true"), datum, Phase.Train));
    }

    [TestMethod]
    public void MirrorTest()
    {
        Datum datum = FillDatum(0, 2, 4, 5, uniquePixels: true);
        Assert.IsLessThan(2 * 4 * 5 * NumIter, NumSequenceMatches(Transform("mirror: true"), datum, Phase.Test));
    }

    [TestMethod]
    public void CropMirrorTrain()
    {
        Datum datum = FillDatum(0, 2, 6, 6, uniquePixels: true);
        int crop = NumSequenceMatches(Transform("crop_size: 4"), datum, Phase.Train);
        int cropMirror = NumSequenceMatches(Transform("crop_size: 4 mirror: true"), datum, Phase.Train);
        Assert.IsLessThanOrEqualTo(crop, cropMirror);
    }

    [TestMethod]
    public void CropMirrorTest()
    {
        Datum datum = FillDatum(0, 2, 6, 6, uniquePixels: true);
        int crop = NumSequenceMatches(Transform("crop_size: 4"), datum, Phase.Test);
        Assert.AreEqual(2 * 4 * 4 * NumIter, crop);
        int cropMirror = NumSequenceMatches(Transform("crop_size: 4 mirror: true"), datum, Phase.Test);
        Assert.IsLessThan(crop, cropMirror);
    }

    [TestMethod]
    public void MeanValue()
    {
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: false);
        var blob = new Blob(1, 3, 4, 5);
        new DataTransformer(Transform("mean_value: 1"), Phase.Test).Transform(datum, blob);
        foreach (float v in blob.Data) Assert.AreEqual(-1f, v);
    }

    [TestMethod]
    public void MeanValues()
    {
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: false);
        var blob = new Blob(1, 3, 4, 5);
        new DataTransformer(Transform("mean_value: 0 mean_value: 1 mean_value: 2"), Phase.Test).Transform(datum, blob);
        for (int j = 0; j < 4 * 5; j++)
        {
            Assert.AreEqual(0f, blob.Data[j]);
            Assert.AreEqual(-1f, blob.Data[j + 20]);
            Assert.AreEqual(-2f, blob.Data[j + 40]);
        }
    }

    [TestMethod]
    public void MeanFile()
    {
        using var dir = new TempDir();
        string meanFile = dir.File("mean.binaryproto");
        var mean = new BlobProto { Num = 1, Channels = 3, Height = 4, Width = 5 };
        for (int j = 0; j < 60; j++) mean.Data.Add(j);
        ProtoIO.WriteProtoToBinaryFile(mean, meanFile);
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: true);
        var blob = new Blob(1, 3, 4, 5);
        new DataTransformer(Transform($"mean_file: '{meanFile}'"), Phase.Test).Transform(datum, blob);
        foreach (float v in blob.Data) Assert.AreEqual(0f, v);
    }

    [TestMethod]
    public void ScaleCropMirrorAndMeanTogetherAtTest()
    {
        // 1 channel 3x4, values j; centre crop 2x2 at rows 0..1 (offset (3-2)/2 = 0), columns 1..2.
        Datum datum = FillDatum(0, 1, 3, 4, uniquePixels: true);
        var blob = new Blob(1, 1, 2, 2);
        new DataTransformer(Transform("crop_size: 2 mean_value: 1 scale: 0.5"), Phase.Test).Transform(datum, blob);
        CollectionAssert.AreEqual(new[] { 0f, 0.5f, 2f, 2.5f }, blob.Data.ToArray());
    }

    [TestMethod]
    public void FloatDataIsUsedWhenThereAreNoBytes()
    {
        var datum = new Datum { Channels = 1, Height = 2, Width = 2 };
        datum.FloatData.Add([0.5f, -1f, 2f, 3.25f]);
        var blob = new Blob(1, 1, 2, 2);
        new DataTransformer(Transform("scale: 2"), Phase.Test).Transform(datum, blob);
        CollectionAssert.AreEqual(new[] { 1f, -2f, 4f, 6.5f }, blob.Data.ToArray());
    }

    [TestMethod]
    public void MirrorFlipsEveryRowOfTheItem()
    {
        Datum datum = FillDatum(0, 2, 2, 3, uniquePixels: true);
        var transformer = new DataTransformer(Transform("mirror: true"), Phase.Test);
        var blob = new Blob(1, 2, 2, 3);
        float[] mirrored = [2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9];
        bool sawMirror = false, sawPlain = false;
        Rng.SetRandomSeed(1701);
        for (int i = 0; i < 20; i++)
        {
            transformer.Transform(datum, blob);
            float[] values = blob.Data.ToArray();
            if (values.SequenceEqual(mirrored)) sawMirror = true;
            else if (values.SequenceEqual(Enumerable.Range(0, 12).Select(v => (float)v))) sawPlain = true;
            else Assert.Fail($"neither plain nor mirrored: {string.Join(", ", values)}");
        }
        Assert.IsTrue(sawMirror && sawPlain);
    }

    [TestMethod]
    public void ImageIsTransformedFromHwcToChw()
    {
        // 2x2 image, 3 channels, value = 10*pixel + channel.
        var image = new NdArray(2, 2, 3);
        for (int p = 0; p < 4; p++) for (int c = 0; c < 3; c++) image.Data[p * 3 + c] = 10 * p + c;
        var transformer = new DataTransformer(Transform("mean_value: 1 mean_value: 2 mean_value: 3"), Phase.Test);
        CollectionAssert.AreEqual(new[] { 1, 3, 2, 2 }, transformer.InferBlobShape(image));
        var blob = new Blob(1, 3, 2, 2);
        transformer.Transform(image, blob);
        CollectionAssert.AreEqual(new[] { -1f, 9, 19, 29, -1, 9, 19, 29, -1, 9, 19, 29 }, blob.Data.ToArray());
    }

    [TestMethod]
    public void ImageMeanFileIsIndexedAtTheCropOffset()
    {
        using var dir = new TempDir();
        string meanFile = dir.File("mean.binaryproto");
        var mean = new BlobProto { Num = 1, Channels = 1, Height = 3, Width = 3 };
        for (int j = 0; j < 9; j++) mean.Data.Add(j);
        ProtoIO.WriteProtoToBinaryFile(mean, meanFile);
        var image = new NdArray(3, 3, 1);
        for (int j = 0; j < 9; j++) image.Data[j] = 100 + j;
        var blob = new Blob(1, 1, 1, 1);
        new DataTransformer(Transform($"crop_size: 1 mean_file: '{meanFile}'"), Phase.Test).Transform(image, blob);
        Assert.AreEqual(100f, blob.Data[0]);
    }

    [TestMethod]
    public void EncodedDatumIsDecodedNativelyOrForced()
    {
        var image = new NdArray(2, 3, 3);
        for (int i = 0; i < image.Count; i++) image.Data[i] = 40 * (i % 3) + i;
        Datum encoded = new() { Data = Google.Protobuf.ByteString.CopyFrom(ImageCodec.Encode(image, "png")), Encoded = true, Label = 3 };
        var native = new DataTransformer(new TransformationParameter(), Phase.Test);
        CollectionAssert.AreEqual(new[] { 1, 3, 2, 3 }, native.InferBlobShape(encoded));
        var blob = new Blob(1, 3, 2, 3);
        native.Transform(encoded, blob);
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 6; p++)
                Assert.AreEqual(image.Data[p * 3 + c], blob.Data[c * 6 + p]);
        var gray = new DataTransformer(Transform("force_gray: true"), Phase.Test);
        CollectionAssert.AreEqual(new[] { 1, 1, 2, 3 }, gray.InferBlobShape(encoded));
    }

    [TestMethod]
    public void BlobTransformCropsMirrorsAndScalesTheBatch()
    {
        var input = new Blob(2, 1, 3, 3);
        for (int i = 0; i < input.Count; i++) input.Data[i] = i;
        float[] before = input.Data.ToArray();
        var output = new Blob();
        new DataTransformer(Transform("crop_size: 1 scale: 2 mean_value: 1"), Phase.Test).Transform(input, output);
        CollectionAssert.AreEqual(new[] { 2, 1, 1, 1 }, output.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { (4f - 1) * 2, (13f - 1) * 2 }, output.Data.ToArray());
        CollectionAssert.AreEqual(before, input.Data.ToArray(), "the input is left as it was");
    }

    [TestMethod]
    public void InferBlobShapeOfDatums()
    {
        var transformer = new DataTransformer(Transform("crop_size: 2"), Phase.Train);
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: false);
        CollectionAssert.AreEqual(new[] { 1, 3, 2, 2 }, transformer.InferBlobShape(datum));
        CollectionAssert.AreEqual(new[] { 4, 3, 2, 2 }, transformer.InferBlobShape(Enumerable.Repeat(datum, 4).ToList()));
    }

    [TestMethod]
    public void BadParametersAndShapesAreClearErrors()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new DataTransformer(Transform("mean_file: 'x' mean_value: 1"), Phase.Test));
        Assert.ThrowsExactly<ArgumentException>(() => new DataTransformer(Transform("force_color: true force_gray: true"), Phase.Test));
        Assert.ThrowsExactly<FileNotFoundException>(() => new DataTransformer(Transform("mean_file: '/nonexistent/mean.binaryproto'"), Phase.Test));
        Datum datum = FillDatum(0, 3, 4, 5, uniquePixels: false);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            new DataTransformer(Transform("mean_value: 1 mean_value: 2"), Phase.Test).Transform(datum, new Blob(1, 3, 4, 5)));
        StringAssert.Contains(e.Message, "mean_value");
        e = Assert.ThrowsExactly<ArgumentException>(() => new DataTransformer(Transform("crop_size: 9"), Phase.Test).InferBlobShape(datum));
        StringAssert.Contains(e.Message, "crop_size 9");
        e = Assert.ThrowsExactly<ArgumentException>(() => new DataTransformer(null, Phase.Test).Transform(datum, new Blob(1, 2, 4, 5)));
        StringAssert.Contains(e.Message, "3×4×5");
        Datum truncated = FillDatum(0, 3, 4, 5, uniquePixels: false);
        truncated.Data = Google.Protobuf.ByteString.CopyFrom(truncated.Data.Span[..10]);
        e = Assert.ThrowsExactly<ArgumentException>(() => new DataTransformer(null, Phase.Test).Transform(truncated, new Blob(1, 3, 4, 5)));
        StringAssert.Contains(e.Message, "10 values");
    }
}
