namespace Caffe.Tests;

/// <summary>A temporary folder, removed (with everything in it) on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "caffe-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A prototxt written to a temporary file (pycaffe's tests use tempfile), deleted on dispose.</summary>
internal sealed class TempPrototxt : IDisposable
{
    public TempPrototxt(string text)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"caffe_net_test_{Guid.NewGuid():N}.prototxt");
        System.IO.File.WriteAllText(Path, text);
    }

    public string Path { get; }

    public void Dispose() => System.IO.File.Delete(Path);
}
