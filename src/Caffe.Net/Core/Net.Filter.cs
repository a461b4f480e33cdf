namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// Keeps the layers whose include/exclude rules admit <c>param.state</c> (Caffe's <c>Net::FilterNet</c>): a
    /// layer without include rules is kept unless an exclude rule matches; with include rules, only if one matches.
    /// </summary>
    public static NetParameter FilterNet(NetParameter param)
    {
        NetState state = param.State ?? new NetState();
        NetParameter filtered = param.Clone();
        filtered.Layer.Clear();
        foreach (LayerParameter layer in param.Layer)
        {
            if (IsIncluded(state, layer)) filtered.Layer.Add(layer.Clone());
        }
        return filtered;
    }

    private static bool IsIncluded(NetState state, LayerParameter layer)
    {
        if (layer.Include.Count > 0 && layer.Exclude.Count > 0)
            throw new LayerException(layer.Name, layer.Type, "specify either include rules or exclude rules, not both.");
        return layer.Include.Count == 0
            ? !layer.Exclude.Any(rule => StateMeetsRule(state, rule))
            : layer.Include.Any(rule => StateMeetsRule(state, rule));
    }

    /// <summary>
    /// Whether a net state satisfies a rule (Caffe's <c>Net::StateMeetsRule</c>): same phase if the rule has one,
    /// level within [min_level, max_level], every <c>stage</c> present and no <c>not_stage</c> present.
    /// </summary>
    public static bool StateMeetsRule(NetState state, NetStateRule rule)
    {
        if (rule.HasPhase && rule.Phase != state.Phase) return false;
        if (rule.HasMinLevel && state.Level < rule.MinLevel) return false;
        if (rule.HasMaxLevel && state.Level > rule.MaxLevel) return false;
        if (rule.Stage.Any(stage => !state.Stage.Contains(stage))) return false;
        if (rule.NotStage.Any(stage => state.Stage.Contains(stage))) return false;
        return true;
    }
}
