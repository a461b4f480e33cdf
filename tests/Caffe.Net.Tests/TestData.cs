namespace Caffe.Tests;

/// <summary>Locates the repository's test data (tests/data), so tests never depend on ../shared.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository root (the folder holding Caffe.Net.sln).</summary>
    public static string RepoRoot => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Root.Value)!)!;

    /// <summary>Absolute path of <paramref name="relative"/> under tests/data.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root.Value, relative);

    /// <summary>Absolute path of a model file under tests/data/models.</summary>
    public static string Model(string relative) => Path(System.IO.Path.Combine("models", relative));

    /// <summary>Absolute path of a BVLC reference file under tests/data/reference.</summary>
    public static string Reference(string relative) => Path(System.IO.Path.Combine("reference", relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Caffe.Net.sln")))
                return System.IO.Path.Combine(dir.FullName, "tests", "data");
        }
        throw new DirectoryNotFoundException($"Caffe.Net.sln not found above {AppContext.BaseDirectory}");
    }
}
