namespace Caffe;

/// <summary>
/// A solver that cannot be built or run as asked: contradictory or missing <see cref="SolverParameter"/> fields,
/// a solver state that does not fit the net. The message names the solver file (or <c>&lt;SolverParameter&gt;</c>).
/// </summary>
public class SolverException : CaffeException
{
    /// <summary>Creates the exception.</summary>
    public SolverException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Training produced a loss that is NaN or infinite. The solver stops before applying that iteration's update, so
/// the net keeps the last finite weights. <see cref="LayerName"/> is the first layer (in net order) whose top holds
/// a non-finite value.
/// </summary>
public sealed class NonFiniteLossException : SolverException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException(int iteration, float loss, string? layerName, string? blobName, string message)
        : base(message)
    {
        Iteration = iteration;
        Loss = loss;
        LayerName = layerName;
        BlobName = blobName;
    }

    /// <summary>The iteration whose forward pass produced the loss (the solver's <see cref="Solver.Iter"/>).</summary>
    public int Iteration { get; }

    /// <summary>The non-finite loss.</summary>
    public float Loss { get; }

    /// <summary>The first layer whose top holds a NaN or infinity, or null when no top does.</summary>
    public string? LayerName { get; }

    /// <summary>That layer's first non-finite top blob, or null.</summary>
    public string? BlobName { get; }
}
