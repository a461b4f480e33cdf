using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Caffe;

/// <summary>
/// The process-wide random source of fillers, dropout, shuffling and random crops (Caffe's <c>caffe_rng</c>),
/// a Mersenne Twister from MathNet.Numerics. Seed it with <see cref="SetRandomSeed"/> (pycaffe
/// <c>caffe.set_random_seed</c>) for repeatable runs. The streams differ from BVLC Caffe's boost ones.
/// </summary>
public static class Rng
{
    private static System.Random _generator = new MersenneTwister(RandomSeed.Robust(), threadSafe: true);

    /// <summary>The generator in use.</summary>
    public static System.Random Generator => _generator;

    /// <summary>Restarts the generator from <paramref name="seed"/>.</summary>
    public static void SetRandomSeed(int seed) => _generator = new MersenneTwister(seed, threadSafe: true);

    /// <summary>Fills with uniform values in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void FillUniform(Span<float> values, float min, float max)
    {
        if (min > max) throw new ArgumentException($"uniform range [{min}, {max}] is empty");
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(min + (max - (double)min) * _generator.NextDouble());
    }

    /// <summary>Fills with normal values of the given mean and standard deviation.</summary>
    public static void FillGaussian(Span<float> values, float mean, float std)
    {
        if (std <= 0) throw new ArgumentException($"gaussian standard deviation must be positive, got {std}");
        for (int i = 0; i < values.Length; i++) values[i] = (float)Normal.Sample(_generator, mean, std);
    }

    /// <summary>Fills with 1 with probability <paramref name="p"/>, else 0.</summary>
    public static void FillBernoulli(Span<uint> values, double p)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"bernoulli probability must be in [0, 1], got {p}");
        for (int i = 0; i < values.Length; i++) values[i] = _generator.NextDouble() < p ? 1u : 0u;
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public static int Next(int maxExclusive) => _generator.Next(maxExclusive);
}
