using Caffe.Examples.Classification;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/Classification (the 00-classification notebook) on the CIFAR-10 quick model shipped in models/cifar10,
/// with drawn pictures: the top 5 against the library's <see cref="Classifier"/>, the batch, the figures.
/// </summary>
[TestClass]
public sealed class ClassificationExampleTests
{
    private static string Cifar(string file) => Path.Combine(TestData.RepoRoot, "models", "cifar10", file);

    private static NdArray MeanPixel => ClassificationTutorial.MeanPixel(Caffe.IO.LoadMean(Cifar("mean_pixel.npy")));

    private static Net CifarNet() => new(Cifar("cifar10_quick.prototxt"), Phase.Test, weights: Cifar("cifar10_quick_iter_5000.caffemodel"));

    [TestMethod]
    public void TopFiveOfADrawnShipAgreesWithTheClassifier()
    {
        Net net = CifarNet();
        IReadOnlyList<string> labels = ClassificationTutorial.LoadLabels(Cifar("labels.txt"));
        Transformer transformer = ClassificationTutorial.ConfigureTransformer(net, MeanPixel, 255, channelSwap: null);
        NdArray ship = SyntheticImages.Draw("ship");

        ImageClassification result = ClassificationTutorial.Classify(net, transformer, [("ship", ship)], labels, batch: 50)[0];

        Assert.AreEqual(50, net.Blobs["data"].Num);
        Assert.HasCount(5, result.Top);
        Assert.AreEqual(1f, result.Probabilities.Data.Sum(), 1e-5f);
        for (int i = 1; i < 5; i++) Assert.IsGreaterThanOrEqualTo(result.Top[i].Probability, result.Top[i - 1].Probability);
        // The drawn ship is the one picture the model is sure of (p > 0.99 on every BLAS): a wrong channel order,
        // scale or mean would not give it.
        Assert.AreEqual("ship", result.Top[0].Label);
        Assert.IsGreaterThan(0.9f, result.Top[0].Probability);

        // The same preprocessing through the library's Classifier (center crop of the image resized to 32×32).
        var classifier = new Classifier(CifarNet(), mean: MeanPixel, rawScale: 255);
        NdArray expected = classifier.Predict([ship], oversample: false);
        for (int k = 0; k < 10; k++) Assert.AreEqual(expected.Data[k], result.Probabilities.Data[k], 1e-5f);
        int[] order = ClassificationTutorial.TopK(expected.Data, 5);
        CollectionAssert.AreEqual(order, result.Top.Select(s => s.Index).ToArray());
        CollectionAssert.AreEqual(order.Select(k => labels[k]).ToArray(), result.Top.Select(s => s.Label).ToArray());
    }

    [TestMethod]
    public void EveryImageGetsItsOwnSlotOfTheBatch()
    {
        Net net = CifarNet();
        Transformer transformer = ClassificationTutorial.ConfigureTransformer(net, MeanPixel, 255, null);
        (string, NdArray)[] images = [.. new[] { "airplane", "truck", "frog" }.Select(n => (n, SyntheticImages.Draw(n)))];

        IReadOnlyList<ImageClassification> together = ClassificationTutorial.Classify(net, transformer, images, labels: null, batch: 4);
        Assert.AreEqual(4, net.Blobs["data"].Num);
        for (int i = 0; i < images.Length; i++)
        {
            ImageClassification alone = ClassificationTutorial.Classify(net, transformer, [images[i]], labels: null, batch: 1)[0];
            Assert.AreEqual(images[i].Item1, together[i].Name);
            for (int k = 0; k < 10; k++) Assert.AreEqual(alone.Probabilities.Data[k], together[i].Probabilities.Data[k], 1e-6f);
            Assert.AreEqual(alone.Top[0].Index.ToString(System.Globalization.CultureInfo.InvariantCulture), together[i].Top[0].Label);
        }
        // Three images never fit a batch of one: the batch grows to the images.
        ClassificationTutorial.Classify(net, transformer, images, null, batch: 1);
        Assert.AreEqual(3, net.Blobs["data"].Num);
        Assert.ThrowsExactly<ArgumentException>(() => ClassificationTutorial.Classify(net, transformer, images, ["too", "few"], batch: 1));
    }

    [TestMethod]
    public void RunWritesTheNotebookFigures()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"caffe-classification-{Guid.NewGuid():N}");
        try
        {
            var log = new StringWriter();
            var options = new ClassificationOptions
            {
                Model = Cifar("cifar10_quick.prototxt"),
                Weights = Cifar("cifar10_quick_iter_5000.caffemodel"),
                MeanPixel = MeanPixel,
                Labels = ClassificationTutorial.LoadLabels(Cifar("labels.txt")),
                Images = [("automobile", SyntheticImages.Draw("automobile"))],
                Batch = 2,
                OutDir = dir,
            };
            IReadOnlyList<ImageClassification> results = ClassificationTutorial.Run(options, log);

            Assert.HasCount(1, results);
            StringAssert.Contains(log.ToString(), $"automobile: predicted class #{results[0].Top[0].Index} ({results[0].Top[0].Label})");
            StringAssert.Contains(log.ToString(), "params: conv1 (32, 3, 5, 5)  conv2 (32, 32, 5, 5)  conv3 (64, 32, 5, 5)  ip1 (64, 1024)  ip2 (10, 64)");
            string[] expected = ["input.png", "conv1_filters.png", "conv1_activations.png", "conv2_activations.png",
                                 "conv3_activations.png", "pool3_activations.png", "ip1_values.png", "prob.png"];
            CollectionAssert.AreEquivalent(expected, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
            // vis_square of 32 colour 5×5 filters: a 6×6 grid of 6-pixel cells, enlarged ×8.
            CollectionAssert.AreEqual(new[] { 288, 288, 3 }, Caffe.IO.LoadImage(Path.Combine(dir, "conv1_filters.png")).Shape.ToArray());
            // The input as the net saw it: deprocess gives back the picture resized to 32×32 (mean added back, scale undone).
            NdArray input = Caffe.IO.LoadImage(Path.Combine(dir, "input.png"));
            NdArray small = Caffe.IO.ResizeImage(SyntheticImages.Draw("automobile"), [32, 32]);
            Assert.AreEqual(small[16, 16, 0], input[16 * 8, 16 * 8, 0], 1.5f / 255);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ActivationBlobsAreTheConvolutionsAndTheLastPooling()
    {
        CollectionAssert.AreEqual(new[] { "conv1", "conv2", "conv3", "pool3" }, ClassificationTutorial.ActivationBlobs(CifarNet()).ToArray());
        var caffeNet = new Net(TestData.Model("bvlc/bvlc_reference_caffenet/deploy.prototxt"), Phase.Test);
        CollectionAssert.AreEqual(new[] { "conv1", "conv2", "conv3", "conv4", "conv5", "pool5" },
            ClassificationTutorial.ActivationBlobs(caffeNet).ToArray());
    }

    [TestMethod]
    public void MeanPixelAndTopK()
    {
        // np.load(f).mean(1).mean(1): a 2×2×3 mean image to 2 values.
        var mean = new NdArray([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60], [2, 2, 3]);
        CollectionAssert.AreEqual(new[] { 3.5f, 35f }, ClassificationTutorial.MeanPixel(mean).Data);
        CollectionAssert.AreEqual(new[] { 125.307f, 122.950f, 113.865f }, MeanPixel.Data);
        Assert.ThrowsExactly<ArgumentException>(() => ClassificationTutorial.MeanPixel(new NdArray(1, 3, 2, 2)));

        // argsort()[::-1][:k]; equal values keep the lower index first.
        CollectionAssert.AreEqual(new[] { 3, 1, 2 }, ClassificationTutorial.TopK([0.1f, 0.3f, 0.3f, 0.9f, 0f], 3));
        CollectionAssert.AreEqual(new[] { 1, 0 }, ClassificationTutorial.TopK([0.2f, 0.8f], 5));
    }

    [TestMethod]
    public void ExampleImagesAreTheDrawings()
    {
        // examples/images/*.png were written by `Classification --draw-images examples/images`; anti-aliasing may round
        // a few edge pixels differently on another machine, so compare on average.
        foreach (string name in SyntheticImages.Names)
        {
            NdArray drawn = SyntheticImages.Draw(name);
            NdArray file = Caffe.IO.LoadImage(Path.Combine(TestData.RepoRoot, "examples", "images", name + ".png"));
            CollectionAssert.AreEqual(drawn.Shape.ToArray(), file.Shape.ToArray());
            double meanDifference = drawn.Data.Zip(file.Data, (a, b) => Math.Abs(a - b)).Average();
            Assert.IsLessThan(0.5 / 255, meanDifference, name);
        }
        Assert.ThrowsExactly<ArgumentException>(() => SyntheticImages.Draw("unicorn"));
    }
}
