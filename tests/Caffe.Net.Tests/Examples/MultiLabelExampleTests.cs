using Caffe.Examples.MultiLabel;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/MultiLabel (the pascal-multilabel-with-datalayer notebook): the param_str dict parser, the C# port of
/// the Python data layer found through <c>type: "Python"</c>, its shuffling and errors, the hamming accuracy, and a
/// few training iterations on a tiny generated set.
/// </summary>
[TestClass]
public sealed class MultiLabelExampleTests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-multilabel-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void ParserReadsWhatPythonsStrOfADictWrites()
    {
        IReadOnlyDictionary<string, object?> d = PythonLiteral.ParseDict(
            "{'batch_size': 128, 'im_shape': [227, 227], 'split': 'train', 'pascal_root': '../data/pascal/VOC2012'}");
        CollectionAssert.AreEqual(new[] { "batch_size", "im_shape", "split", "pascal_root" }, d.Keys.ToArray());
        Assert.AreEqual(128L, d["batch_size"]);
        CollectionAssert.AreEqual(new object[] { 227L, 227L }, ((IReadOnlyList<object?>)d["im_shape"]!).ToArray());
        Assert.AreEqual("train", d["split"]);
        Assert.AreEqual("../data/pascal/VOC2012", d["pascal_root"]);

        d = PythonLiteral.ParseDict("  { \"a\" : -3 , u'b': 2.5e-1, 'c': (1, [2, 'x'],), 'd': True, 'e': False, 'f': None, 'g': 'it\\'s \"q\"\\n', } ");
        Assert.AreEqual(-3L, d["a"]);
        Assert.AreEqual(0.25, d["b"]);
        var c = (IReadOnlyList<object?>)d["c"]!;
        Assert.AreEqual(2, c.Count);
        Assert.AreEqual(1L, c[0]);
        CollectionAssert.AreEqual(new object[] { 2L, "x" }, ((IReadOnlyList<object?>)c[1]!).ToArray());
        Assert.AreEqual(true, d["d"]);
        Assert.AreEqual(false, d["e"]);
        Assert.IsNull(d["f"]);
        Assert.AreEqual("it's \"q\"\n", d["g"]);

        Assert.AreEqual(0, PythonLiteral.ParseDict("{}").Count);
        Assert.AreEqual(2L, PythonLiteral.ParseDict("{'k': 1, 'k': 2}")["k"], "the last value wins, as in Python");

        var written = new DataLayerParams(16, 64, 48, "val", "/data/it's here", Seed: 7);
        Assert.AreEqual("{'batch_size': 16, 'im_shape': [64, 48], 'split': 'val', 'pascal_root': '/data/it\\'s here', 'seed': 7}", written.ToParamStr());
        Assert.AreEqual(written, DataLayerParams.Parse(written.ToParamStr()));
    }

    [TestMethod]
    public void MalformedParamStrGivesAClearError()
    {
        (string Text, string Expected)[] cases =
        [
            ("", "empty string"),
            ("batch_size=3", "expected '{'"),
            ("{'a': 1", "expected ',' or '}'"),
            ("{'a' 1}", "expected ':'"),
            ("{a: 1}", "expected a quoted key"),
            ("{'a': 'x}", "is not closed"),
            ("{'a': 1} extra", "after the closing"),
            ("{'a': __import__('os')}", "nothing is evaluated"),
            ("{'a': 1.2.3}", "is not a number"),
            ("{'a': [1, 2}", "expected ',' or ']'"),
            ("{'a': {'b': 1}}", "nested dicts"),
        ];
        foreach ((string text, string expected) in cases)
        {
            FormatException e = Assert.ThrowsExactly<FormatException>(() => PythonLiteral.ParseDict(text), text);
            StringAssert.Contains(e.Message, expected, text);
            StringAssert.Contains(e.Message, "column", text);
        }

        // check_params: split first, then the other required keys; wrong kinds of value are named.
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => DataLayerParams.Parse("{'batch_size': 1}")).Message, "'split' (train, val or test)");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => DataLayerParams.Parse("{'split': 'train', 'batch_size': 1, 'pascal_root': 'r'}")).Message, "'im_shape'");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(
            () => DataLayerParams.Parse("{'split': 'train', 'batch_size': '8', 'pascal_root': 'r', 'im_shape': [4, 4]}")).Message, "'batch_size' must be an integer");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(
            () => DataLayerParams.Parse("{'split': 'train', 'batch_size': 8, 'pascal_root': 'r', 'im_shape': [4]}")).Message, "two sizes");
    }

    [TestMethod]
    public void GeneratorWritesAPascalShapedSetDeterministically()
    {
        string a = SyntheticShapes.Write(Path.Combine(_dir, "a"), new ShapeSetSettings(Train: 12, Val: 4, Size: 32, Seed: 3));
        string b = SyntheticShapes.Write(Path.Combine(_dir, "b"), new ShapeSetSettings(Train: 12, Val: 4, Size: 32, Seed: 3));
        CollectionAssert.AreEqual(SyntheticShapes.Classes.ToArray(), DatasetLayout.ReadClasses(a).ToArray());
        Assert.AreEqual(12, DatasetLayout.ReadList(a, "train").Count);
        CollectionAssert.AreEqual(new[] { "000012", "000013", "000014", "000015" }, DatasetLayout.ReadList(a, "val").ToArray());
        IReadOnlyDictionary<string, int[]> annotations = DatasetLayout.ReadAnnotations(a, SyntheticShapes.Classes);
        Assert.AreEqual(16, annotations.Count);
        Assert.IsTrue(annotations.Values.All(l => l.Length >= 1), "every image holds at least one shape");
        CollectionAssert.AreEqual(File.ReadAllBytes(DatasetLayout.ImageFile(a, "000005")), File.ReadAllBytes(DatasetLayout.ImageFile(b, "000005")));
        CollectionAssert.AreEqual(new[] { 32, 32, 3 }, Caffe.IO.LoadImage(DatasetLayout.ImageFile(a, "000000")).Shape.ToArray());
    }

    [TestMethod]
    public void TransformerSwapsToBgrSubtractsTheMeanAndTransposes()
    {
        var image = new NdArray([1f, 0.5f, 0f, 0f, 0f, 1f], [1, 2, 3]);  // two pixels: orange-ish, blue
        NdArray chw = new SimpleTransformer().Preprocess(image);
        CollectionAssert.AreEqual(new[] { 3, 1, 2 }, chw.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { -128f, 127f, 127.5f - 128f, -128f, 127f, -128f }, chw.Data);
        NdArray back = new SimpleTransformer().Deprocess(chw.Data, 1, 2);
        CollectionAssert.AreEqual(image.Data, back.Data);
    }

    [TestMethod]
    public void PythonDataLayerFromAPrototxtFillsImagesAndLabelsFromTheAnnotations()
    {
        string root = SyntheticShapes.Write(Path.Combine(_dir, "shapes"), new ShapeSetSettings(Train: 6, Val: 3, Size: 24, Seed: 1));
        Net net = DataNet(new DataLayerParams(4, 20, 20, "train", root, Seed: 5));
        var layer = (PascalMultilabelDataLayerSync)net.LayerDict["data"];
        Assert.AreEqual("Python", layer.Type);
        CollectionAssert.AreEqual(new[] { 4, 3, 20, 20 }, net.Blobs["data"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 4, 6 }, net.Blobs["label"].Shape.ToArray());

        IReadOnlyDictionary<string, int[]> annotations = DatasetLayout.ReadAnnotations(root, SyntheticShapes.Classes);
        net.Forward();
        CollectionAssert.AreEqual(new[] { "000000", "000001", "000002", "000003" }, layer.BatchIds.ToArray(), "the first pass follows the list");
        for (int i = 0; i < 4; i++)
        {
            float[] expected = new float[6];
            foreach (int c in annotations[layer.BatchIds[i]]) expected[c] = 1;
            CollectionAssert.AreEqual(expected, net.Blobs["label"].Data.Slice(i * 6, 6).ToArray(), layer.BatchIds[i]);
        }

        // The data is the image resized to 20×20 and preprocessed, mirrored or not.
        NdArray resized = Caffe.IO.ResizeImage(Caffe.IO.LoadImage(DatasetLayout.ImageFile(root, "000000")), [20, 20]);
        float[] plain = new SimpleTransformer().Preprocess(resized).Data;
        float[] got = net.Blobs["data"].Data[..(3 * 20 * 20)].ToArray();
        float[] mirrored = [.. Enumerable.Range(0, got.Length).Select(j => plain[j - j % 20 + 19 - j % 20])];
        Assert.IsTrue(got.SequenceEqual(plain) || got.SequenceEqual(mirrored), "the first image, preprocessed, possibly mirrored");

        // The second batch wraps around: 2 images end the first pass, 2 start a shuffled second pass.
        net.Forward();
        CollectionAssert.AreEqual(new[] { "000004", "000005" }, layer.BatchIds.Take(2).ToArray());
    }

    [TestMethod]
    public void ShufflingRepeatsUnderASeed()
    {
        string root = SyntheticShapes.Write(Path.Combine(_dir, "shapes"), new ShapeSetSettings(Train: 10, Val: 2, Size: 16, Seed: 2));
        List<string> Order(int seed)
        {
            Net net = DataNet(new DataLayerParams(5, 16, 16, "train", root, Seed: seed));
            var layer = (PascalMultilabelDataLayerSync)net.LayerDict["data"];
            var ids = new List<string>();
            for (int batch = 0; batch < 6; batch++)
            {
                net.Forward();
                ids.AddRange(layer.BatchIds);
            }
            return ids;
        }
        List<string> a = Order(11), b = Order(11), c = Order(12);
        CollectionAssert.AreEqual(a, b, "same seed, same order");
        CollectionAssert.AreNotEqual(a, c, "another seed, another order");
        string[] list = [.. DatasetLayout.ReadList(root, "train")];
        CollectionAssert.AreEqual(list, a.Take(10).ToArray(), "the first pass is the list's order");
        for (int pass = 1; pass < 3; pass++)
        {
            string[] ids = [.. a.Skip(10 * pass).Take(10)];
            CollectionAssert.AreEquivalent(list, ids, $"pass {pass} is a permutation");
            CollectionAssert.AreNotEqual(list, ids, $"pass {pass} is shuffled");
        }
    }

    [TestMethod]
    public void DataLayerErrorsNameTheLayerAndTheProblem()
    {
        string root = SyntheticShapes.Write(Path.Combine(_dir, "shapes"), new ShapeSetSettings(Train: 2, Val: 1, Size: 16, Seed: 0));

        LayerException missing = Assert.ThrowsExactly<LayerException>(() => DataNet(new DataLayerParams(2, 16, 16, "test", root)));
        Assert.AreEqual("data", missing.LayerName);
        StringAssert.Contains(missing.Message, "split 'test'");
        StringAssert.Contains(missing.Message, Path.Combine("ImageSets", "Main", "test.txt"));

        LayerException bad = Assert.ThrowsExactly<LayerException>(() => new Net(ParseNet(DataPrototxt("{'batch_size': 2, 'split': 'train'"))));
        Assert.AreEqual("data", bad.LayerName);
        StringAssert.Contains(bad.Message, "param_str is not a Python dict literal");

        LayerException incomplete = Assert.ThrowsExactly<LayerException>(() => new Net(ParseNet(DataPrototxt("{'batch_size': 2, 'split': 'train'}"))));
        StringAssert.Contains(incomplete.Message, "param_str must include 'pascal_root'");
    }

    [TestMethod]
    public void HammingAccuracyMatchesHandComputedCases()
    {
        Assert.AreEqual(1.0, MultilabelAccuracy.HammingDistance([1, 0, 0], [true, false, false]));
        Assert.AreEqual(0.5, MultilabelAccuracy.HammingDistance([1, 0, 0, 1], [true, true, false, false]));
        Assert.AreEqual(0.0, MultilabelAccuracy.HammingDistance([0, 1], [true, false]));
        Assert.AreEqual(0.5, MultilabelAccuracy.HammingDistance([0.5f, 0], [true, false]), "a label neither 0 nor 1 matches nothing, as in Python");
        Assert.ThrowsExactly<ArgumentException>(() => MultilabelAccuracy.HammingDistance([1, 0], [true]));

        // Two images, three classes: scores above 0 are estimates of presence.
        var net = new Net(ParseNet("""
            name: "scores"
            layer { name: "in" type: "Input" top: "label" top: "score" input_param { shape { dim: 2 dim: 3 } shape { dim: 2 dim: 3 } } }
            """));
        float[] labels = [1, 0, 0, 0, 1, 1];
        float[] scores = [2.0f, -1f, 0.5f, -3f, 0.1f, -0.2f];  // image 0: 2 of 3 right; image 1: 2 of 3 right
        labels.CopyTo(net.Blobs["label"].Data);
        scores.CopyTo(net.Blobs["score"].Data);
        Assert.AreEqual(2.0 / 3, MultilabelAccuracy.CheckAccuracy(net, 1), 1e-12);
        Assert.AreEqual((2.0 / 3 + 1.0 / 3) / 2, MultilabelAccuracy.CheckBaselineAccuracy(net, 2), 1e-12, "all zeros: 2 of 3, then 1 of 3");
    }

    [TestMethod]
    public void NetSpecWritesThePythonLayerAndTrainingLowersTheLoss()
    {
        string root = SyntheticShapes.Write(Path.Combine(_dir, "shapes"), new ShapeSetSettings(Train: 48, Val: 16, Size: 32, Seed: 4));
        ExperimentFiles files = Experiment.Write(Path.Combine(_dir, "work"), root, batchSize: 8, imageSize: 32, seed: 9, adjust: s => s.Display = 0);

        NetParameter train = ProtoIO.ReadNetParamsFromTextFile(files.TrainNet);
        LayerParameter data = train.Layer[0];
        Assert.AreEqual("Python", data.Type);
        Assert.AreEqual(MultilabelNets.DataLayerModule, data.PythonParam.Module);
        Assert.AreEqual(MultilabelNets.DataLayerClass, data.PythonParam.Layer);
        Assert.AreEqual(new DataLayerParams(8, 32, 32, "train", root, 9, Experiment.InputScale), DataLayerParams.Parse(data.PythonParam.ParamStr));
        CollectionAssert.AreEqual(new[] { "data", "label" }, data.Top.ToArray());
        Assert.AreEqual("SigmoidCrossEntropyLoss", train.Layer[^1].Type);
        SolverParameter solver = ProtoIO.ReadSolverParamsFromTextFile(files.Solver);
        Assert.AreEqual(2, solver.TestIter.Single(), "one pass over 16 val images in batches of 8");

        Solver s = Solver.Create(files.Solver);
        var losses = new List<float>();
        for (int i = 0; i < 60; i++)
        {
            s.Step(1);
            losses.Add(s.Net.Blobs["loss"].Data[0]);
        }
        float first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        Assert.IsLessThan(first, last, $"the loss falls: first 10 iterations {first:F3}, last 10 {last:F3}");

        TrainingRecord record = TrainingRun.Run(s, chunks: 1, chunkSize: 5, testBatches: 2);
        Assert.AreEqual(66, record.Iterations[0], "60 steps, then the run's step(1) and one chunk of 5");
        Assert.IsTrue(record.TestAccuracy[0] is >= 0 and <= 1);
    }

    private static Net DataNet(DataLayerParams p) => new(ParseNet(DataPrototxt(p.ToParamStr())));

    private static string DataPrototxt(string paramStr) => $$"""
        name: "multilabel_data"
        layer {
          name: "data"
          type: "Python"
          top: "data"
          top: "label"
          python_param {
            module: "pascal_multilabel_datalayers"
            layer: "PascalMultilabelDataLayerSync"
            param_str: "{{paramStr.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}}"
          }
        }
        """;

    private static NetParameter ParseNet(string text)
    {
        NetParameter param = TextFormat.Parse<NetParameter>(text);
        param.State = new NetState { Phase = Phase.Train };
        return param;
    }
}
