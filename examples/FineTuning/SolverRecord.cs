namespace Caffe.Examples.FineTuning;

/// <summary>What the notebook's <c>run_solvers</c> returns for one solver.</summary>
/// <param name="Name">The solver's name (<c>pretrained</c>, <c>scratch</c>, …).</param>
/// <param name="Loss">The train net's <c>loss</c> after each iteration (<c>loss[name]</c>, length niter).</param>
/// <param name="Accuracy">The train net's <c>acc</c> on its batch after each iteration (<c>acc[name]</c>).</param>
/// <param name="Weights">The .caffemodel the trained weights were saved to (<c>weights[name]</c>).</param>
public sealed record SolverRecord(string Name, float[] Loss, float[] Accuracy, string Weights);
