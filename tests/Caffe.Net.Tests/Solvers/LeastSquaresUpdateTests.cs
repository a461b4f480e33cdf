namespace Caffe.Tests.Solvers;

/// <summary>
/// Caffe's test_gradient_based_solver.cpp, case by case for all six solvers: the (K+1)-th update of a least-squares
/// problem against the closed form computed in double (TestLeastSquaresUpdate*), gradient accumulation with
/// iter_size against a full batch (…Accum*), and weight sharing (…Share).
/// </summary>
[TestClass]
public sealed class LeastSquaresUpdateTests
{
    /// <summary>
    /// Caffe's TestLeastSquaresUpdate "inductively": after K updates (K = 0..<paramref name="maxIterToCheck"/>), the
    /// next update must match the closed form given the solver's weights and history.
    /// </summary>
    [TestMethod]
    [DataRow("SGD", 1.0f, 0f, 0f, 0, false, DisplayName = "SGD TestLeastSquaresUpdate")]
    [DataRow("SGD", 0.01f, 0f, 0f, 0, false, DisplayName = "SGD TestLeastSquaresUpdateLROneHundredth")]
    [DataRow("SGD", 0.01f, 0.5f, 0f, 1, false, DisplayName = "SGD TestLeastSquaresUpdateWithWeightDecay")]
    [DataRow("SGD", 0.01f, 0.5f, 0f, 4, false, DisplayName = "SGD TestLeastSquaresUpdateWithWeightDecayMultiIter")]
    [DataRow("SGD", 0.01f, 0f, 0.5f, 1, false, DisplayName = "SGD TestLeastSquaresUpdateWithMomentum")]
    [DataRow("SGD", 0.01f, 0f, 0.5f, 4, false, DisplayName = "SGD TestLeastSquaresUpdateWithMomentumMultiIter")]
    [DataRow("SGD", 0.01f, 0.5f, 0.5f, 4, false, DisplayName = "SGD TestLeastSquaresUpdateWithEverything")]
    [DataRow("SGD", 0.01f, 0.5f, 0.5f, 4, true, DisplayName = "SGD TestLeastSquaresUpdateWithEverythingShare")]
    [DataRow("AdaGrad", 1.0f, 0f, 0f, 0, false, DisplayName = "AdaGrad TestAdaGradLeastSquaresUpdate")]
    [DataRow("AdaGrad", 0.01f, 0f, 0f, 0, false, DisplayName = "AdaGrad TestAdaGradLeastSquaresUpdateLROneHundredth")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, 0, false, DisplayName = "AdaGrad TestAdaGradLeastSquaresUpdateWithWeightDecay")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, 4, false, DisplayName = "AdaGrad TestAdaGradLeastSquaresUpdateWithEverything")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, 4, true, DisplayName = "AdaGrad TestAdaGradLeastSquaresUpdateWithEverythingShare")]
    [DataRow("Nesterov", 1.0f, 0f, 0f, 0, false, DisplayName = "Nesterov TestNesterovLeastSquaresUpdate")]
    [DataRow("Nesterov", 0.01f, 0f, 0f, 0, false, DisplayName = "Nesterov TestNesterovLeastSquaresUpdateLROneHundredth")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0f, 0, false, DisplayName = "Nesterov TestNesterovLeastSquaresUpdateWithWeightDecay")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0f, 4, false, DisplayName = "Nesterov TestNesterovLeastSquaresUpdateWithWeightDecayMultiIter")]
    [DataRow("Nesterov", 0.01f, 0f, 0.5f, 1, false, DisplayName = "Nesterov TestNesterovLeastSquaresUpdateWithMomentum")]
    [DataRow("Nesterov", 0.01f, 0f, 0.5f, 4, false, DisplayName = "Nesterov TestLeastSquaresUpdateWithMomentumMultiIter")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0.9f, 4, false, DisplayName = "Nesterov TestNesterovLeastSquaresUpdateWithEverything")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0.9f, 4, true, DisplayName = "Nesterov TestNesterovLeastSquaresUpdateWithEverythingShare")]
    [DataRow("AdaDelta", 0.1f, 0f, 0f, 0, false, DisplayName = "AdaDelta TestAdaDeltaLeastSquaresUpdate")]
    [DataRow("AdaDelta", 0.1f, 0.5f, 0.95f, 0, false, DisplayName = "AdaDelta TestAdaDeltaLeastSquaresUpdateWithWeightDecay")]
    [DataRow("AdaDelta", 0.1f, 0f, 0.5f, 0, false, DisplayName = "AdaDelta TestAdaDeltaLeastSquaresUpdateWithHalfMomentum")]
    [DataRow("AdaDelta", 0.1f, 0f, 0.95f, 0, false, DisplayName = "AdaDelta TestAdaDeltaLeastSquaresUpdateWithMomentum")]
    [DataRow("AdaDelta", 0.1f, 0f, 0.95f, 4, false, DisplayName = "AdaDelta TestLeastSquaresUpdateWithMomentumMultiIter")]
    [DataRow("AdaDelta", 0.1f, 0.1f, 0.95f, 4, false, DisplayName = "AdaDelta TestAdaDeltaLeastSquaresUpdateWithEverything")]
    [DataRow("AdaDelta", 0.1f, 0.1f, 0.95f, 4, true, DisplayName = "AdaDelta TestAdaDeltaLeastSquaresUpdateWithEverythingShare")]
    [DataRow("Adam", 0.01f, 0f, 0.9f, 0, false, DisplayName = "Adam TestAdamLeastSquaresUpdate")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, 0, false, DisplayName = "Adam TestAdamLeastSquaresUpdateWithWeightDecay")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, 4, false, DisplayName = "Adam TestAdamLeastSquaresUpdateWithEverything")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, 4, true, DisplayName = "Adam TestAdamLeastSquaresUpdateWithEverythingShare")]
    [DataRow("RMSProp", 1.0f, 0.5f, 0f, 0, false, DisplayName = "RMSProp TestRMSPropLeastSquaresUpdateWithWeightDecay")]
    [DataRow("RMSProp", 0.01f, 0f, 0f, 4, false, DisplayName = "RMSProp TestRMSPropLeastSquaresUpdateWithRmsDecay")]
    [DataRow("RMSProp", 0.01f, 0.5f, 0f, 4, false, DisplayName = "RMSProp TestRMSPropLeastSquaresUpdateWithEverything")]
    [DataRow("RMSProp", 0.01f, 0.5f, 0f, 4, true, DisplayName = "RMSProp TestRMSPropLeastSquaresUpdateWithEverythingShare")]
    public void LeastSquaresUpdate(string type, float learningRate, float weightDecay, float momentum, int maxIterToCheck, bool share)
    {
        using var problem = new LeastSquaresProblem(type, share);
        for (int k = 0; k <= maxIterToCheck; k++)
        {
            problem.Run(learningRate, weightDecay, momentum, k);
            Assert.AreEqual(type, problem.Solver.Type);
            var (expected, expectedUpdate) = problem.ComputeUpdate(learningRate, weightDecay, momentum, k + 1);

            problem.Run(learningRate, weightDecay, momentum, k + 1);
            double[] actual = problem.Weights();
            for (int i = 0; i <= LeastSquaresProblem.Dim; i++)
            {
                double tolerance = 1e-5 * (Math.Abs(expected[i]) + Math.Abs(expectedUpdate[i])) + 1e-7;
                Assert.AreEqual(expected[i], actual[i], tolerance,
                    $"{type}, K = {k}: {(i == LeastSquaresProblem.Dim ? "bias" : $"weight {i}")} after update {k + 1}");
            }
            if (type == "SGD")
            {
                // SGD's history is the last update value.
                IReadOnlyList<Blob> history = problem.Solver.History;
                for (int i = 0; i <= LeastSquaresProblem.Dim; i++)
                {
                    double stored = i == LeastSquaresProblem.Dim ? history[1].Data[0] : history[0].Data[i];
                    Assert.AreEqual(expectedUpdate[i], stored, 1e-5 * Math.Abs(expectedUpdate[i]) + 1e-7, $"SGD history {i}, K = {k}");
                }
            }
        }
    }

    /// <summary>Caffe's CheckAccumulation: iter_size 2 over half batches gives the weights of full batches.</summary>
    [TestMethod]
    [DataRow("SGD", 0.01f, 0.5f, 0.9f, false, DisplayName = "SGD TestLeastSquaresUpdateWithEverythingAccum")]
    [DataRow("SGD", 0.01f, 0.5f, 0.9f, true, DisplayName = "SGD TestLeastSquaresUpdateWithEverythingAccumShare")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, false, DisplayName = "AdaGrad TestLeastSquaresUpdateWithEverythingAccum")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, true, DisplayName = "AdaGrad TestLeastSquaresUpdateWithEverythingAccumShare")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0.9f, false, DisplayName = "Nesterov TestLeastSquaresUpdateWithEverythingAccum")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0.9f, true, DisplayName = "Nesterov TestLeastSquaresUpdateWithEverythingAccumShare")]
    [DataRow("AdaDelta", 0.1f, 0.1f, 0.95f, false, DisplayName = "AdaDelta TestLeastSquaresUpdateWithEverythingAccum")]
    [DataRow("AdaDelta", 0.1f, 0.1f, 0.95f, true, DisplayName = "AdaDelta TestLeastSquaresUpdateWithEverythingAccumShare")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, false, DisplayName = "Adam TestLeastSquaresUpdateWithEverythingAccum")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, true, DisplayName = "Adam TestLeastSquaresUpdateWithEverythingAccumShare")]
    [DataRow("RMSProp", 0.01f, 0.5f, 0f, false, DisplayName = "RMSProp TestLeastSquaresUpdateWithEverythingAccum")]
    [DataRow("RMSProp", 0.01f, 0.5f, 0f, true, DisplayName = "RMSProp TestLeastSquaresUpdateWithEverythingAccumShare")]
    public void Accumulation(string type, float learningRate, float weightDecay, float momentum, bool share)
    {
        const int numIters = 4;
        const int iterSize = 2;
        using var problem = new LeastSquaresProblem(type, share);
        problem.Run(learningRate, weightDecay, momentum, numIters);
        double[] full = problem.Weights();
        problem.Run(learningRate, weightDecay, momentum, numIters, iterSize);
        double[] accumulated = problem.Weights();
        Assert.AreEqual(2, problem.Solver.Net.Blobs["data"].ShapeAt(0), "half batches");
        for (int i = 0; i <= LeastSquaresProblem.Dim; i++)
            Assert.AreEqual(full[i], accumulated[i], 1e-5 * Math.Abs(full[i]) + 1e-6, $"{type}: parameter {i}");
    }
}
