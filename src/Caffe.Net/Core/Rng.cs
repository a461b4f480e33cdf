using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Caffe;

/// <summary>
/// The random source of fillers, dropout, shuffling and random crops (Caffe's <c>caffe_rng</c>), a Mersenne
/// Twister from MathNet.Numerics. Like Caffe's, it is per thread: <see cref="SetRandomSeed"/> (pycaffe
/// <c>caffe.set_random_seed</c>) seeds the calling thread's generator, and a thread that never seeded gets a
/// randomly seeded one. Layers draw on the thread that runs the net. The streams differ from BVLC's boost ones.
/// </summary>
public static class Rng
{
    [ThreadStatic]
    private static System.Random? t_generator;

    [ThreadStatic]
    private static double[]? t_draws;

    /// <summary>The calling thread's generator.</summary>
    public static System.Random Generator => t_generator ??= new MersenneTwister(RandomSeed.Robust());

    private static System.Random _generator => Generator;

    /// <summary>Restarts the calling thread's generator from <paramref name="seed"/>.</summary>
    public static void SetRandomSeed(int seed) => t_generator = new MersenneTwister(seed);

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
        System.Random generator = _generator;
        int i = 0;
        if (generator is RandomSource source)
        {
            // The same draws as NextDouble one by one, taken in blocks: half the time of dropout's mask (one lock
            // and one call per block instead of per value).
            double[] draws = t_draws ??= new double[4096];
            for (; i + draws.Length <= values.Length; i += draws.Length)
            {
                source.NextDoubles(draws);
                for (int j = 0; j < draws.Length; j++) values[i + j] = draws[j] < p ? 1u : 0u;
            }
        }
        for (; i < values.Length; i++) values[i] = generator.NextDouble() < p ? 1u : 0u;
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public static int Next(int maxExclusive) => _generator.Next(maxExclusive);
}
