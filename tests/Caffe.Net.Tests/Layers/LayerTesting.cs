namespace Caffe.Tests.Layers;

/// <summary>Small helpers shared by the layer test classes.</summary>
internal static class LayerTesting
{
    /// <summary>Creates a layer through the registry from a prototxt snippet and checks its concrete type.</summary>
    public static T Create<T>(string prototxt) where T : Layer
    {
        Layer layer = LayerRegistry.CreateLayer(TestBlobs.Param(prototxt));
        Assert.IsInstanceOfType<T>(layer);
        return (T)layer;
    }

    /// <summary>Caffe's neuron-test bottom: 2x3x4x5 standard normal, drawn right after seeding 1701.</summary>
    public static Blob SeededGaussian(params int[] shape)
    {
        Rng.SetRandomSeed(1701);
        return TestBlobs.Gaussian(shape.Length == 0 ? [2, 3, 4, 5] : shape);
    }

    /// <summary>Asserts that <paramref name="action"/> throws a <see cref="LayerException"/> whose message contains every fragment.</summary>
    public static LayerException Throws(Action action, params string[] fragments)
    {
        LayerException e = Assert.ThrowsExactly<LayerException>(action);
        foreach (string fragment in fragments)
            StringAssert.Contains(e.Message, fragment, $"message was: {e.Message}");
        return e;
    }

    /// <summary>Runs SetUp and Forward with the given bottoms and tops.</summary>
    public static float SetUpAndForward(Layer layer, Blob[] bottom, Blob[] top)
    {
        layer.SetUp(bottom, top);
        return layer.Forward(bottom, top);
    }
}
