namespace Caffe.Examples.LogReg;

/// <summary>
/// The knobs of <see cref="SyntheticClassification.Make"/>, named after those of scikit-learn's
/// <c>make_classification</c>; the defaults are the notebook's call (10,000 samples, 4 features of which 2 are
/// informative and 2 are noise, 2 clusters per class, centroids off the hypercube, seed 0).
/// </summary>
/// <param name="Samples">Rows to generate.</param>
/// <param name="Features">Columns: informative, then redundant, then Gaussian noise.</param>
/// <param name="Informative">Columns that carry the class clusters.</param>
/// <param name="Redundant">Columns that are random linear combinations of the informative ones.</param>
/// <param name="ClustersPerClass">Gaussian clusters per class.</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="ClassSeparation">Half the side of the hypercube the centroids sit on.</param>
/// <param name="Hypercube">True: centroids on hypercube vertices; false: each vertex pulled towards the origin by random factors.</param>
/// <param name="FlipFraction">Share of rows whose label is replaced by a random class (label noise).</param>
/// <param name="Seed">Seed of the generator; equal settings give equal data.</param>
public sealed record ClassificationSettings(
    int Samples = 10000,
    int Features = 4,
    int Informative = 2,
    int Redundant = 0,
    int ClustersPerClass = 2,
    int Classes = 2,
    double ClassSeparation = 1.0,
    bool Hypercube = false,
    double FlipFraction = 0.01,
    int Seed = 0);

/// <summary>
/// Our own generator of a synthetic classification problem in the spirit of scikit-learn's
/// <c>make_classification</c> — not a port of it: the same recipe, other random numbers, so the data and every
/// accuracy differ from the notebook's. Each class is a few Gaussian clusters in the informative columns, each
/// cluster stretched by its own random linear map and centred on its own vertex of a hypercube; redundant columns
/// mix the informative ones; the remaining columns are noise; a few labels are flipped; rows are shuffled. Unlike
/// scikit-learn the columns are not shuffled: informative columns come first, so columns 0 and 1 are the 2-D
/// picture of the classes.
/// </summary>
public static class SyntheticClassification
{
    /// <summary>Generates the data set <paramref name="settings"/> describe (deterministic for a seed).</summary>
    /// <exception cref="ArgumentException">The settings are inconsistent (too few features or vertices, and so on).</exception>
    public static LabelledData Make(ClassificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Check(settings);
        var random = new Random(settings.Seed);
        int informative = settings.Informative, features = settings.Features;
        int clusters = settings.Classes * settings.ClustersPerClass;

        double[][] centroids = Centroids(settings, clusters, random);
        var rows = new float[settings.Samples * features];
        var labels = new int[settings.Samples];
        int row = 0;
        for (int k = 0; k < clusters; k++)
        {
            // Cluster k belongs to class k mod Classes; the first Samples mod clusters clusters get one extra row.
            int size = settings.Samples / clusters + (k < settings.Samples % clusters ? 1 : 0);
            double[,] stretch = UniformMatrix(informative, informative, random);
            for (int r = 0; r < size; r++, row++)
            {
                double[] z = Normals(informative, random);
                for (int j = 0; j < informative; j++)
                {
                    double v = centroids[k][j];
                    for (int i = 0; i < informative; i++) v += z[i] * stretch[i, j];
                    rows[row * features + j] = (float)v;
                }
                labels[row] = k % settings.Classes;
            }
        }

        double[,] mix = UniformMatrix(informative, settings.Redundant, random);
        for (int r = 0; r < settings.Samples; r++)
        {
            Span<float> x = rows.AsSpan(r * features, features);
            for (int j = 0; j < settings.Redundant; j++)
            {
                double v = 0;
                for (int i = 0; i < informative; i++) v += x[i] * mix[i, j];
                x[informative + j] = (float)v;
            }
            for (int j = informative + settings.Redundant; j < features; j++) x[j] = (float)Normal(random);
        }

        for (int r = 0; r < settings.Samples; r++)
            if (random.NextDouble() < settings.FlipFraction) labels[r] = random.Next(settings.Classes);

        Shuffle(rows, labels, features, random);
        return new LabelledData(new NdArray(rows, [settings.Samples, features]), labels);
    }

    private static void Check(ClassificationSettings s)
    {
        if (s.Samples < 1 || s.Classes < 2 || s.ClustersPerClass < 1 || s.Informative < 1 || s.Redundant < 0)
            throw new ArgumentException("Samples, Informative and ClustersPerClass must be at least 1, Classes at least 2, Redundant at least 0.");
        if (s.Informative + s.Redundant > s.Features)
            throw new ArgumentException($"{s.Informative} informative and {s.Redundant} redundant columns do not fit in {s.Features} features.");
        if (s.Informative < 31 && (1L << s.Informative) < (long)s.Classes * s.ClustersPerClass)
            throw new ArgumentException($"{s.Informative} informative columns give {1L << s.Informative} hypercube vertices, fewer than the {s.Classes * s.ClustersPerClass} clusters.");
        if (s.FlipFraction is < 0 or > 1) throw new ArgumentException("FlipFraction must be between 0 and 1.");
    }

    // Distinct vertices of the hypercube [-sep, sep]^informative, one per cluster, in random order.
    private static double[][] Centroids(ClassificationSettings s, int clusters, Random random)
    {
        var codes = new List<long>();
        var seen = new HashSet<long>();
        long vertices = s.Informative < 62 ? 1L << s.Informative : long.MaxValue;
        while (codes.Count < clusters)
        {
            long code = random.NextInt64(vertices);
            if (seen.Add(code)) codes.Add(code);
        }
        double[] axisScale = Uniforms(s.Informative, random);
        var centroids = new double[clusters][];
        for (int k = 0; k < clusters; k++)
        {
            double clusterScale = random.NextDouble();
            centroids[k] = new double[s.Informative];
            for (int j = 0; j < s.Informative; j++)
            {
                double vertex = j < 62 && ((codes[k] >> j) & 1) == 1 ? s.ClassSeparation : -s.ClassSeparation;
                // Off the hypercube the vertex is shrunk by one factor per cluster and one per column.
                centroids[k][j] = s.Hypercube ? vertex : vertex * clusterScale * axisScale[j];
            }
        }
        return centroids;
    }

    private static double[,] UniformMatrix(int rows, int columns, Random random)
    {
        var m = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) m[i, j] = 2 * random.NextDouble() - 1;
        return m;
    }

    private static double[] Uniforms(int count, Random random)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = random.NextDouble();
        return values;
    }

    private static double[] Normals(int count, Random random)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = Normal(random);
        return values;
    }

    // Box–Muller; 1 − U keeps the logarithm's argument in (0, 1].
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void Shuffle(float[] rows, int[] labels, int features, Random random)
    {
        var swap = new float[features];
        for (int i = labels.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
            Span<float> a = rows.AsSpan(i * features, features), b = rows.AsSpan(j * features, features);
            a.CopyTo(swap);
            b.CopyTo(a);
            swap.CopyTo(b);
        }
    }
}
