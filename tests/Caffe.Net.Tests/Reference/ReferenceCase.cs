using System.Text.Json;

namespace Caffe.Tests.Reference;

/// <summary>
/// One case of tests/data/reference/nets (numbers written by BVLC Caffe): its case.json, arrays and
/// tolerances. See tests/data/reference/README.md for the format.
/// </summary>
internal sealed class ReferenceCase
{
    private readonly JsonElement _case;
    private readonly Dictionary<string, double> _spread = new(StringComparer.Ordinal);

    public ReferenceCase(string name)
    {
        Name = name;
        Folder = TestData.Reference(Path.Combine("nets", name));
        _case = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "case.json"))).RootElement;
        string reproducibility = Path.Combine(Folder, "reproducibility.json");
        if (File.Exists(reproducibility))
        {
            JsonElement files = JsonDocument.Parse(File.ReadAllText(reproducibility)).RootElement.GetProperty("files");
            foreach (JsonProperty file in files.EnumerateObject())
                _spread[file.Name] = file.Value.GetProperty("max_abs_diff").GetDouble();
        }
    }

    public string Name { get; }

    public string Folder { get; }

    public JsonElement Json => _case;

    /// <summary>The case's prototxt (resolved against tests/data/models or the case folder).</summary>
    public string Prototxt => Resolve(_case.GetProperty("model").GetProperty("prototxt"));

    /// <summary>The case's weights file.</summary>
    public string Weights => Resolve(_case.GetProperty("model").GetProperty("weights"));

    /// <summary>The path of a file of the case folder.</summary>
    public string File_(string name) => Path.Combine(Folder, name);

    /// <summary>An .npy array of the case folder.</summary>
    public NdArray Array(string file) => Npy.Load(Path.Combine(Folder, file));

    /// <summary>The first check of the given kind.</summary>
    public JsonElement Check(string kind) =>
        _case.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("kind").GetString() == kind);

    /// <summary>True when the case has a check of that kind.</summary>
    public bool HasCheck(string kind) =>
        _case.GetProperty("checks").EnumerateArray().Any(c => c.GetProperty("kind").GetString() == kind);

    /// <summary>The (key, file) pairs of a check's arrays.</summary>
    public static IEnumerable<(string Key, string File)> Arrays(JsonElement check) =>
        check.GetProperty("arrays").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!));

    /// <summary>A JSON array of strings as a list.</summary>
    public static List<string> Strings(JsonElement element) => element.EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>
    /// Asserts max|ours − ref| ≤ 1e-3·max|ref| + 1e-5, or 3× the reference's own spread across BLAS
    /// builds (reproducibility.json) when that is larger.
    /// </summary>
    public void AssertClose(string file, ReadOnlySpan<float> actual, IReadOnlyList<int>? actualShape, string what)
    {
        NdArray expected = Array(file);
        if (actualShape != null)
            CollectionAssert.AreEqual(expected.Shape.ToArray(), actualShape.ToArray(), $"{Name}: shape of {what}");
        Assert.AreEqual(expected.Count, actual.Length, $"{Name}: element count of {what}");
        double maxRef = 0, maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < expected.Count; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs(expected.Data[i]));
            double diff = Math.Abs(expected.Data[i] - (double)actual[i]);
            if (!(diff <= maxDiff)) { maxDiff = diff; worst = i; }
        }
        double tolerance = Math.Max(1e-3 * maxRef + 1e-5, 3 * _spread.GetValueOrDefault(file));
        Assert.IsTrue(maxDiff <= tolerance,
            $"{Name}: {what} ({file}) differs from BVLC Caffe by {maxDiff:G4} at element {worst} " +
            $"(ours {(worst >= 0 ? actual[worst] : 0)}, ref {(worst >= 0 ? expected.Data[worst] : 0)}); tolerance {tolerance:G4}, max|ref| {maxRef:G4}");
    }

    private string Resolve(JsonElement file)
    {
        string path = file.GetProperty("path").GetString()!;
        return file.GetProperty("relative_to").GetString() == "case" ? Path.Combine(Folder, path) : TestData.Model(path);
    }
}
