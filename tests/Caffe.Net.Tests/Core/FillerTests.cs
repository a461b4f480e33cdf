namespace Caffe.Tests.Core;

/// <summary>Caffe's test_filler.cpp cases: value ranges and moments of every filler, and the variance norms.</summary>
[TestClass]
public sealed class FillerTests
{
    private static Blob Filled(string filler, params int[] shape)
    {
        Rng.SetRandomSeed(1701);
        var blob = new Blob(shape);
        Filler.Fill(TextFormat.Parse<FillerParameter>(filler), blob);
        return blob;
    }

    private static (double Mean, double Variance) Moments(ReadOnlySpan<float> values)
    {
        double mean = 0, sq = 0;
        foreach (float v in values) mean += v;
        mean /= values.Length;
        foreach (float v in values) sq += (v - mean) * (v - mean);
        return (mean, sq / values.Length);
    }

    [TestMethod]
    public void ConstantFillsTheValue()
    {
        foreach (float v in Filled("type: 'constant' value: 10.0", 2, 3, 4, 5).Data) Assert.AreEqual(10f, v);
        foreach (float v in Filled("type: 'constant'", 7).Data) Assert.AreEqual(0f, v);
    }

    [TestMethod]
    public void UniformStaysInRange()
    {
        Blob blob = Filled("type: 'uniform' min: 1.0 max: 2.0", 2, 3, 4, 5);
        foreach (float v in blob.Data) Assert.IsTrue(v >= 1f && v <= 2f, $"{v} outside [1, 2]");
        Assert.AreEqual(1.5, Moments(blob.Data).Mean, 0.1);
    }

    [TestMethod]
    public void PositiveUnitballRowsSumToOne()
    {
        Blob blob = Filled("type: 'positive_unitball'", 2, 3, 4, 5);
        int dim = blob.Count / blob.Num;
        for (int n = 0; n < blob.Num; n++)
        {
            double sum = 0;
            foreach (float v in blob.Data.Slice(n * dim, dim))
            {
                Assert.IsTrue(v >= 0f && v <= 1f);
                sum += v;
            }
            Assert.AreEqual(1.0, sum, 1e-5);
        }
    }

    [TestMethod]
    public void GaussianHasTheRequestedMoments()
    {
        (double mean, double variance) = Moments(Filled("type: 'gaussian' mean: 10.0 std: 0.1", 2, 3, 40, 50).Data);
        Assert.AreEqual(10.0, mean, 0.1 * 5);
        Assert.AreEqual(0.01, variance, 0.01 * 0.2);
    }

    [TestMethod]
    public void SparseGaussianKeepsAboutSparseInputsPerOutput()
    {
        // Caffe's test: with sparse = 3 and 100 outputs, each weight is kept with probability 3/100.
        Blob blob = Filled("type: 'gaussian' std: 1 sparse: 3", 100, 1000);
        int nonZero = 0;
        foreach (float v in blob.Data) if (v != 0) nonZero++;
        double fraction = nonZero / (double)blob.Count;
        Assert.AreEqual(0.03, fraction, 0.005);
    }

    [TestMethod]
    [DataRow("FAN_IN", 2 * 4 * 5)]
    [DataRow("FAN_OUT", 1000 * 4 * 5)]
    [DataRow("AVERAGE", (2 * 4 * 5 + 1000 * 4 * 5) / 2)]
    public void XavierVarianceIsOneOverN(string norm, int n)
    {
        Blob blob = Filled($"type: 'xavier' variance_norm: {norm}", 1000, 2, 4, 5);
        (double mean, double variance) = Moments(blob.Data);
        double scale = Math.Sqrt(3.0 / n);
        foreach (float v in blob.Data) Assert.IsTrue(Math.Abs(v) <= scale + 1e-6);
        Assert.AreEqual(0.0, mean, 0.1 * scale);
        Assert.AreEqual(1.0 / n, variance, 0.1 / n);
    }

    [TestMethod]
    [DataRow("FAN_IN", 2 * 4 * 5)]
    [DataRow("FAN_OUT", 1000 * 4 * 5)]
    [DataRow("AVERAGE", (2 * 4 * 5 + 1000 * 4 * 5) / 2)]
    public void MsraVarianceIsTwoOverN(string norm, int n)
    {
        (double mean, double variance) = Moments(Filled($"type: 'msra' variance_norm: {norm}", 1000, 2, 4, 5).Data);
        Assert.AreEqual(0.0, mean, 0.1 * Math.Sqrt(2.0 / n));
        Assert.AreEqual(2.0 / n, variance, 0.1 * 2.0 / n);
    }

    [TestMethod]
    public void BilinearMakesTheUpsamplingKernel()
    {
        // Kernel 4 (factor 2): the 1-D weights are 0.25, 0.75, 0.75, 0.25 and the 2-D kernel their outer product.
        Blob blob = Filled("type: 'bilinear'", 1, 1, 4, 4);
        float[] w = [0.25f, 0.75f, 0.75f, 0.25f];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                Assert.AreEqual(w[y] * w[x], blob.Data[y * 4 + x], 1e-6f);
        // Kernel 3 uses f = 2 and c = 0.75 as Caffe computes them: 1-D weights 0.25, 0.75, 0.75.
        Blob odd = Filled("type: 'bilinear'", 2, 1, 3, 3);
        Assert.AreEqual(0.5625f, odd.Data[4], 1e-6f);
        Assert.AreEqual(0.0625f, odd.Data[0], 1e-6f);
        Assert.AreEqual(odd.Data[0], odd.Data[9 + 0]);
    }

    [TestMethod]
    public void BadFillersAreErrors()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Filled("type: 'xavier' sparse: 3", 2, 2));
        StringAssert.Contains(e.Message, "sparse");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Filled("type: 'nope'", 2)).Message, "unknown filler type 'nope'");
        Assert.ThrowsExactly<ArgumentException>(() => Filled("type: 'bilinear'", 1, 1, 3, 4));
        Assert.ThrowsExactly<ArgumentException>(() => Filled("type: 'uniform' min: 2 max: 1", 3));
    }

    [TestMethod]
    public void SameSeedGivesSameValues()
    {
        CollectionAssert.AreEqual(Filled("type: 'gaussian'", 50).Data.ToArray(), Filled("type: 'gaussian'", 50).Data.ToArray());
    }
}
