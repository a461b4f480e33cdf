namespace Caffe.Tests.Cli;

/// <summary>
/// The shipped Fashion-MNIST example (examples/fashion_mnist): its solver and nets parse, the trained weights fill
/// every learnable layer of the deploy net, and the deploy net computes what the trained TEST net computes.
/// </summary>
[TestClass]
public sealed class FashionMnistExampleTests
{
    private static string Example(string file) => Path.Combine(TestData.RepoRoot, "examples", "fashion_mnist", file);

    [TestMethod]
    public void DeployNetMatchesTheTrainedTestNetWithTheShippedWeights()
    {
        string weights = Example("lenet_fashion.caffemodel");
        var deploy = new Net(Example("deploy.prototxt"), Phase.Test, weights: weights);

        // Every learnable layer of the deploy net comes from the weights file, blob for blob.
        NetParameter trained = ProtoIO.ReadNetParamsFromBinaryFile(weights);
        foreach ((string layer, IReadOnlyList<Blob> blobs) in deploy.Params)
        {
            LayerParameter? source = trained.Layer.SingleOrDefault(l => l.Name == layer);
            Assert.IsNotNull(source, $"layer {layer} is not in {weights}");
            Assert.HasCount(blobs.Count, source.Blobs);
            for (int i = 0; i < blobs.Count; i++) CollectionAssert.AreEqual(source.Blobs[i].Data.ToArray(), blobs[i].Data.ToArray());
        }

        // The train/test net's TEST phase, its Data layers replaced by an Input layer (no database needed).
        NetParameter trainTest = ProtoIO.ReadNetParamsFromTextFile(Example("train_test.prototxt"));
        var layers = trainTest.Layer.Where(l => l.Type != "Data").ToList();
        var input = new LayerParameter { Name = "input", Type = "Input", Top = { "data", "label" }, InputParam = new InputParameter() };
        input.InputParam.Shape.Add(new BlobShape { Dim = { 1, 1, 28, 28 } });
        input.InputParam.Shape.Add(new BlobShape { Dim = { 1 } });
        trainTest.Layer.Clear();
        trainTest.Layer.Add(input);
        trainTest.Layer.Add(layers);
        trainTest.State = new NetState { Phase = Phase.Test };
        var testNet = new Net(trainTest);
        testNet.CopyFrom(weights);

        // A synthetic "trouser": two bright vertical bars, scaled by 1/256 as in training.
        var image = new float[28 * 28];
        for (int h = 3; h < 26; h++)
            for (int w = 8; w < 20; w++)
                if (w < 13 || w > 14) image[h * 28 + w] = 220 / 256f;
        image.CopyTo(deploy.Blobs["data"].Data);
        image.CopyTo(testNet.Blobs["data"].Data);
        deploy.Forward();
        testNet.Forward();
        CollectionAssert.AreEqual(testNet.Blobs["ip2"].Data.ToArray(), deploy.Blobs["ip2"].Data.ToArray());
        ReadOnlySpan<float> prob = deploy.Blobs["prob"].Data;
        Assert.HasCount(10, prob.ToArray());
        Assert.AreEqual(1f, prob.ToArray().Sum(), 1e-5f);
        Assert.HasCount(10, File.ReadAllLines(Example("labels.txt")));
    }

    [TestMethod]
    public void SolverReadsWithTheDocumentedSchedule()
    {
        SolverParameter solver = ProtoIO.ReadSolverParamsFromTextFile(Example("solver.prototxt"));
        Assert.AreEqual("Adam", solver.Type);
        Assert.AreEqual("examples/fashion_mnist/train_test.prototxt", solver.Net);
        Assert.AreEqual(6 * 938, solver.MaxIter, "6 epochs of 60,000 images in batches of 64");
        Assert.AreEqual(100, solver.TestIter.Single(), "100 batches of 100 = the 10,000 test images");
        Assert.AreEqual("examples/fashion_mnist/lenet_fashion", solver.SnapshotPrefix);
    }
}
