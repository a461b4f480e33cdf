namespace Caffe.Tests.Solvers;

/// <summary>Small nets and solver parameters for the solver tests.</summary>
internal static class SolverTestNets
{
    /// <summary>A net with no parameters and no loss: training only advances the iteration.</summary>
    public const string Empty = "name: 'empty' layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 } } }";

    /// <summary>
    /// data (1x4) → Scale with a bias: two learnable blobs of 4 values, 'scale' (lr_mult 1, decay_mult 1) and
    /// 'bias' (lr_mult 2, decay_mult 0). No loss: tests write the gradients themselves and call ApplyUpdate.
    /// </summary>
    public static string TwoParams(float lrMult0 = 1, float lrMult1 = 2, float decayMult0 = 1, float decayMult1 = 0) => $$"""
        name: 'two_params'
        layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 dim: 4 } } }
        layer { name: 'scale' type: 'Scale' bottom: 'data' top: 'out'
                param { lr_mult: {{lrMult0}} decay_mult: {{decayMult0}} } param { lr_mult: {{lrMult1}} decay_mult: {{decayMult1}} }
                scale_param { bias_term: true } }
        """;

    /// <summary>A solver over <paramref name="netText"/> (inline net_param) with extra solver fields in text format.</summary>
    public static SolverParameter Param(string netText, string solverText = "")
    {
        SolverParameter param = TextFormat.Parse<SolverParameter>(solverText);
        param.NetParam = TextFormat.Parse<NetParameter>(netText);
        if (!param.HasLrPolicy) param.LrPolicy = "fixed";
        if (!param.HasSnapshotAfterTrain) param.SnapshotAfterTrain = false;
        return param;
    }
}
