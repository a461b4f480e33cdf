namespace Caffe.Tests.Inference;

/// <summary>
/// caffe.Classifier and caffe.Detector on a net whose output is the softmax of its preprocessed input, against
/// numbers computed with scikit-image and NumPy (tests/data/pycaffe/make_reference.py).
/// </summary>
[TestClass]
public sealed class ClassifierTests
{
    private static NdArray Ref(string name) => Npy.Load(TestData.Path($"pycaffe/{name}.npy"));

    private static Net SoftmaxNet(int size) => new(TextFormat.Parse<NetParameter>($$"""
        name: "softmax_of_input"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: {{size}} dim: {{size}} } } }
        layer { name: "flat" type: "Flatten" bottom: "data" top: "flat" }
        layer { name: "prob" type: "Softmax" bottom: "flat" top: "prob" }
        """));

    private static readonly NdArray Mean = new([104f, 117f, 123f], [3]);

    private static Classifier NewClassifier() =>
        new(SoftmaxNet(4), imageDims: [8, 10], mean: Mean, inputScale: 0.01f, rawScale: 255, channelSwap: [2, 1, 0]);

    [TestMethod]
    public void PredictAveragesTenCropsAsPycaffe()
    {
        NdArray predictions = NewClassifier().Predict([Ref("classifier_image0"), Ref("classifier_image1")]);
        NdArrayAssert.AreClose(Ref("classifier_oversample"), predictions, 1e-5f);
    }

    [TestMethod]
    public void PredictWithoutOversamplingTakesTheCenterCrop()
    {
        NdArray predictions = NewClassifier().Predict([Ref("classifier_image0"), Ref("classifier_image1")], oversample: false);
        NdArrayAssert.AreClose(Ref("classifier_center"), predictions, 1e-5f);
    }

    [TestMethod]
    public void DefaultsAndErrors()
    {
        var classifier = new Classifier(SoftmaxNet(4));
        CollectionAssert.AreEqual(new[] { 4, 4 }, classifier.ImageDims.ToArray());
        CollectionAssert.AreEqual(new[] { 4, 4 }, classifier.CropDims.ToArray());
        NdArray one = classifier.Predict([Ref("classifier_image1")], oversample: false);
        CollectionAssert.AreEqual(new[] { 1, 48 }, one.Shape.ToArray());
        Assert.AreEqual(1f, one.Data.Sum(), 1e-5f);
        Assert.ThrowsExactly<ArgumentException>(() => classifier.Predict([Ref("classifier_image0"), new NdArray(5, 5, 1)]));
        Assert.ThrowsExactly<ArgumentException>(() => classifier.Predict([]));
        Assert.ThrowsExactly<ArgumentException>(() => new Classifier(SoftmaxNet(4), imageDims: [3, 3]));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new Classifier(SoftmaxNet(4), mean: new NdArray(2))).Message,
            "Mean channels incompatible");
    }

    [TestMethod]
    public void DetectorCropsWithContextAndMeanPadding()
    {
        var detector = new Detector(SoftmaxNet(6), mean: Mean, rawScale: 255, channelSwap: [2, 1, 0], contextPad: 2);
        CollectionAssert.AreEqual(new[] { 6, 6, 3 }, detector.CropDims.ToArray());
        CollectionAssert.AreEqual(new[] { 123f / 255, 117f / 255, 104f / 255 }, detector.CropMean.Data);
        NdArray image = Ref("detector_image");
        int[][] windows = [[2, 3, 7, 8], [0, 0, 5, 4], [8, 5, 11, 9]];
        for (int i = 0; i < windows.Length; i++)
            NdArrayAssert.AreClose(Ref($"detector_crop{i}"), detector.Crop(image, windows[i]), 2e-6f);
    }

    [TestMethod]
    public void DetectWindowsClassifiesEachWindowInOrder()
    {
        var detector = new Detector(SoftmaxNet(6), mean: Mean, rawScale: 255, channelSwap: [2, 1, 0]);
        NdArray image = Ref("detector_image");
        int[][] windows = [[2, 3, 7, 8], [0, 0, 12, 10]];
        IReadOnlyList<Detection> detections = detector.DetectWindows([("a.png", image, windows), ("b.png", image, windows[..1])]);
        Assert.HasCount(3, detections);
        CollectionAssert.AreEqual(new[] { "a.png", "a.png", "b.png" }, detections.Select(d => d.Filename).ToArray());
        Assert.AreSame(windows[1], detections[1].Window);
        // Without context a window is a plain crop, warped to the input by the transformer.
        NdArray plain = detector.Crop(image, windows[0]);
        CollectionAssert.AreEqual(new[] { 5, 5, 3 }, plain.Shape.ToArray());
        var classifier = new Classifier(SoftmaxNet(6), mean: Mean, rawScale: 255, channelSwap: [2, 1, 0]);
        NdArray expected = classifier.Predict([plain], oversample: false);
        NdArrayAssert.AreClose(expected.Reshape(108), detections[0].Prediction.Reshape(108), 1e-6f);
        NdArrayAssert.AreClose(detections[0].Prediction, detections[2].Prediction, 0);
    }
}
