namespace Caffe.Tests;

/// <summary>The per-thread generator: seeding and the Bernoulli masks of dropout.</summary>
[TestClass]
public sealed class RngTests
{
    [TestMethod]
    public void BernoulliMaskIsOneDrawPerValueInOrderAcrossBlocks()
    {
        // 10000 values cross the generator's blocks of draws (4096) and end with a partial one; each value must be
        // the next NextDouble() compared with p, and the stream must continue right after the last value.
        const double p = 0.3;
        Rng.SetRandomSeed(1701);
        var mask = new uint[10000];
        Rng.FillBernoulli(mask, p);
        double after = Rng.Generator.NextDouble();

        Rng.SetRandomSeed(1701);
        for (int i = 0; i < mask.Length; i++)
            Assert.AreEqual(Rng.Generator.NextDouble() < p ? 1u : 0u, mask[i], $"value {i}");
        Assert.AreEqual(Rng.Generator.NextDouble(), after);
        double ones = mask.Sum(v => (double)v) / mask.Length;
        Assert.AreEqual(p, ones, 0.02);
    }

    [TestMethod]
    public void BernoulliRejectsProbabilitiesOutsideTheUnitInterval()
    {
        var mask = new uint[3];
        Assert.ThrowsExactly<ArgumentException>(() => Rng.FillBernoulli(mask, 1.5));
        Assert.ThrowsExactly<ArgumentException>(() => Rng.FillBernoulli(mask, -0.1));
    }
}
