using System.Globalization;

namespace Caffe.Examples;

/// <summary>
/// What every example program needs around its own work: its <c>--name value</c> options and the repository it
/// runs from (for the models and pictures that ship with it). Linked into each example by examples/Directory.Build.props.
/// </summary>
internal static class ExampleArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is absent or is the last word.</summary>
    public static string? Find(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The value after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public static string Get(string[] args, string name, string fallback) => Find(args, name) ?? fallback;

    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public static int Int(string[] args, string name, int fallback) =>
        Find(args, name) is string value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The folder holding <c>Caffe.Net.sln</c> above the program, or the working directory when there is none.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Caffe.Net.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
