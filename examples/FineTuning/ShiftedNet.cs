namespace Caffe.Examples.FineTuning;

/// <summary>
/// The notebook's <c>caffenet(...)</c> / <c>style_net(...)</c> for this example: the shipped Fashion-MNIST LeNet
/// (<c>examples/fashion_mnist/train_test.prototxt</c>), written with <see cref="NetSpec"/> under the same layer names
/// so <see cref="Net.CopyFrom(string)"/> fills them, except the classifier, renamed so it starts from its filler.
/// </summary>
public static class ShiftedNet
{
    /// <summary>The renamed classifier (the notebook's <c>fc8_flickr</c>); the shipped net calls it <c>ip2</c>.</summary>
    public const string Classifier = "ip2_shifted";

    /// <summary>The layers with weights below the classifier, bottom to top; frozen unless <c>learnAll</c>.</summary>
    public static IReadOnlyList<string> FeatureLayers { get; } = ["conv1", "conv2", "ip1"];

    /// <summary>The notebook's <c>learned_param</c>: weights at the base rate with weight decay, biases at twice the rate without.</summary>
    public static object[] LearnedParam => [new { lr_mult = 1, decay_mult = 1 }, new { lr_mult = 2, decay_mult = 0 }];

    /// <summary>The notebook's <c>frozen_param</c> (<c>lr_mult: 0</c>, and no weight decay either): the solver leaves these weights alone.</summary>
    public static object[] FrozenParam => [new { lr_mult = 0, decay_mult = 0 }, new { lr_mult = 0, decay_mult = 0 }];

    /// <summary>
    /// The net reading <paramref name="lmdb"/> (pixels scaled by 1/256, mirrored at random when
    /// <paramref name="train"/>): conv1 (32 5×5) + ReLU + max-pool, conv2 (64 5×5) + ReLU + max-pool, ip1 (256) + ReLU,
    /// dropout 0.5 when <paramref name="train"/>, the classifier <see cref="Classifier"/> with
    /// <paramref name="numClasses"/> outputs, <c>loss</c> (softmax) and <c>acc</c> (accuracy), and <c>probs</c> when
    /// not <paramref name="train"/>. The feature layers get <see cref="FrozenParam"/> unless
    /// <paramref name="learnAll"/>; the classifier always learns and, as the notebook's, has no filler (zeros).
    /// </summary>
    public static NetParameter Define(string lmdb, int batchSize, bool train = true, bool learnAll = false, int numClasses = 10)
    {
        object[] param = learnAll ? LearnedParam : FrozenParam;
        var n = new NetSpec();
        (n["data"], n["label"]) = L.Data(new
        {
            batch_size = batchSize,
            backend = P.Data.LMDB,
            source = lmdb,
            transform_param = new { scale = 0.00390625, mirror = train },
            ntop = 2,
        });
        n["conv1"] = Convolution(n["data"], 32, param);
        n["relu1"] = L.ReLU(n["conv1"], new { in_place = true });
        n["pool1"] = MaxPool(n["conv1"]);
        n["conv2"] = Convolution(n["pool1"], 64, param);
        n["relu2"] = L.ReLU(n["conv2"], new { in_place = true });
        n["pool2"] = MaxPool(n["conv2"]);
        n["ip1"] = L.InnerProduct(n["pool2"], new { num_output = 256, param, weight_filler = new { type = "xavier" }, bias_filler = new { type = "constant" } });
        n["relu3"] = L.ReLU(n["ip1"], new { in_place = true });
        if (train) n["drop1"] = L.Dropout(n["ip1"], new { dropout_ratio = 0.5, in_place = true });
        // Always learned, whatever learnAll says.
        n[Classifier] = L.InnerProduct(n["ip1"], new { num_output = numClasses, param = LearnedParam });
        if (!train) n["probs"] = L.Softmax(n[Classifier]);
        n["loss"] = L.SoftmaxWithLoss(n[Classifier], n["label"]);
        n["acc"] = L.Accuracy(n[Classifier], n["label"]);
        return n.ToProto();
    }

    private static NetSpecItem Convolution(NetSpecItem bottom, int numOutput, object[] param) =>
        L.Convolution(bottom, new
        {
            kernel_size = 5,
            num_output = numOutput,
            param,
            weight_filler = new { type = "xavier" },
            bias_filler = new { type = "constant" },
        });

    private static NetSpecItem MaxPool(NetSpecItem bottom) =>
        L.Pooling(bottom, new { pool = P.Pooling.MAX, kernel_size = 2, stride = 2 });
}
