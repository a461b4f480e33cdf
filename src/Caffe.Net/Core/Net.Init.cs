namespace Caffe;

public sealed partial class Net
{
    // Caffe's parallel lists, indexed by layer id, blob id or net param id.
    private readonly List<Layer> _layers = [];
    private readonly List<string> _layerNames = [];
    private readonly List<Blob> _blobs = [];
    private readonly List<string> _blobNames = [];
    private readonly List<bool> _blobNeedBackward = [];
    private readonly List<float> _blobLossWeights = [];
    private readonly List<List<Blob>> _bottomVecs = [];
    private readonly List<List<int>> _bottomIdVecs = [];
    private readonly List<List<bool>> _bottomNeedBackward = [];
    private readonly List<List<Blob>> _topVecs = [];
    private readonly List<List<int>> _topIdVecs = [];
    private readonly List<List<int>> _paramIdVecs = [];
    private readonly List<bool> _layerNeedBackward = [];
    private readonly List<int> _inputBlobIndices = [];
    private readonly List<int> _outputBlobIndices = [];

    private readonly List<Blob> _params = [];
    private readonly List<int> _paramOwners = [];
    private readonly List<string> _paramDisplayNames = [];
    private readonly List<(int Layer, int Param)> _paramLayerIndices = [];
    private readonly Dictionary<string, int> _paramNamesIndex = new(StringComparer.Ordinal);
    private readonly List<Blob> _learnableParams = [];
    private readonly List<int> _learnableParamIds = [];
    private readonly List<bool> _hasParamsLr = [];
    private readonly List<bool> _hasParamsDecay = [];
    private readonly List<float> _paramsLr = [];
    private readonly List<float> _paramsWeightDecay = [];

    private SourceLocation?[] _layerLocations = [];

    private void Init(NetParameter inParam, IReadOnlyList<SourceLocation?>? locations)
    {
        Phase = inParam.State?.Phase ?? Phase.Test;
        if (locations != null && locations.Count != inParam.Layer.Count) locations = null;
        NetParameter param;
        try
        {
            param = SplitInserter.InsertSplits(FilterNet(inParam));
        }
        catch (LayerException e) when (e.AddLocation(LocationByName(inParam, locations, e.LayerName)))
        {
            throw;
        }
        _layerLocations = TraceLocations(inParam, param, locations);
        Name = param.Name;
        var blobNameToIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var availableBlobs = new SortedSet<string>(StringComparer.Ordinal);

        for (int layerId = 0; layerId < param.Layer.Count; layerId++)
        {
            try
            {
                InitLayer(param.Layer[layerId], layerId, availableBlobs, blobNameToIndex);
            }
            catch (LayerException e) when (e.AddLocation(_layerLocations[layerId]))
            {
                throw;
            }
        }

        PruneBackward();
        if (param.ForceBackward) ApplyForceBackward();
        foreach (string name in availableBlobs) _outputBlobIndices.Add(blobNameToIndex[name]);
        ShareWeights();
        DebugInfo = param.DebugInfo;
        BuildMirror();
    }

    private void InitLayer(LayerParameter layerParam, int layerId, SortedSet<string> availableBlobs,
                           Dictionary<string, int> blobNameToIndex)
    {
        if (!layerParam.HasPhase) layerParam.Phase = Phase;
        if (layerParam.PropagateDown.Count > 0 && layerParam.PropagateDown.Count != layerParam.Bottom.Count)
        {
            throw new LayerException(layerParam.Name, layerParam.Type,
                $"propagate_down must be given 0 times or once per bottom ({layerParam.Bottom.Count}), " +
                $"not {layerParam.PropagateDown.Count} times.");
        }
        Layer layer = LayerRegistry.CreateLayer(layerParam);
        _layers.Add(layer);
        _layerNames.Add(layerParam.Name);
        _bottomVecs.Add([]);
        _bottomIdVecs.Add([]);
        _bottomNeedBackward.Add([]);
        _topVecs.Add([]);
        _topIdVecs.Add([]);
        _paramIdVecs.Add([]);

        bool needBackward = false;
        for (int bottomId = 0; bottomId < layerParam.Bottom.Count; bottomId++)
        {
            int blobId = AppendBottom(layerParam, layerId, bottomId, availableBlobs, blobNameToIndex);
            needBackward |= _blobNeedBackward[blobId];
        }
        int numTop = layerParam.Top.Count;
        for (int topId = 0; topId < numTop; topId++)
        {
            AppendTop(layerParam, layerId, topId, availableBlobs, blobNameToIndex);
            if (layerParam.Type == "Input") _inputBlobIndices.Add(_blobs.Count - 1);
        }
        if (layer.AutoTopBlobs)
        {
            int needed = Math.Max(layer.MinTopBlobs, layer.ExactNumTopBlobs);
            // Anonymous tops are not offered to later layers as bottoms.
            for (; numTop < needed; numTop++) AppendTop(layerParam, layerId, numTop, null, null);
        }

        SetUpLayer(layerId);
        for (int topId = 0; topId < _topVecs[layerId].Count; topId++)
        {
            int blobId = _topIdVecs[layerId][topId];
            while (_blobLossWeights.Count <= blobId) _blobLossWeights.Add(0f);
            _blobLossWeights[blobId] = layer.Loss(topId);
        }

        int paramSize = layerParam.Param.Count;
        int numParamBlobs = layer.Blobs.Count;
        if (paramSize > numParamBlobs)
        {
            throw new LayerException(layer.Name, layer.Type,
                $"too many param specs: {paramSize} given, but the layer has {numParamBlobs} parameter blob(s).");
        }
        for (int paramId = 0; paramId < numParamBlobs; paramId++)
        {
            ParamSpec spec = paramId < paramSize ? layerParam.Param[paramId] : DefaultParamSpec;
            bool paramNeedBackward = spec.LrMult > 0;
            needBackward |= paramNeedBackward;
            layer.SetParamPropagateDown(paramId, paramNeedBackward);
        }
        // Caffe reads the specs from the layer's own copy here: layers such as BatchNorm add lr_mult 0 specs in setup.
        for (int paramId = 0; paramId < numParamBlobs; paramId++) AppendParam(layer.Param, layerId, paramId);

        _layerNeedBackward.Add(needBackward);
        if (needBackward)
        {
            foreach (int blobId in _topIdVecs[layerId]) _blobNeedBackward[blobId] = true;
        }
    }

    // The prototxt location of each layer of the built net: filtering drops layers and InsertSplits adds
    // Split layers (which have none) right after their producers, so the kept layers appear in order.
    private static SourceLocation?[] TraceLocations(NetParameter inParam, NetParameter built, IReadOnlyList<SourceLocation?>? locations)
    {
        var traced = new SourceLocation?[built.Layer.Count];
        if (locations == null) return traced;
        NetState state = inParam.State ?? new NetState();
        int[] kept = Enumerable.Range(0, inParam.Layer.Count).Where(i => IsIncluded(state, inParam.Layer[i])).ToArray();
        int k = 0;
        for (int j = 0; j < built.Layer.Count && k < kept.Length; j++)
        {
            LayerParameter original = inParam.Layer[kept[k]];
            if (built.Layer[j].Name != original.Name || built.Layer[j].Type != original.Type) continue;
            traced[j] = locations[kept[k]];
            k++;
        }
        return traced;
    }

    private static SourceLocation? LocationByName(NetParameter inParam, IReadOnlyList<SourceLocation?>? locations, string layerName)
    {
        if (locations == null) return null;
        for (int i = 0; i < inParam.Layer.Count; i++)
        {
            if (inParam.Layer[i].Name == layerName) return locations[i];
        }
        return null;
    }

    private static readonly ParamSpec DefaultParamSpec = new();

    private void SetUpLayer(int layerId)
    {
        Layer layer = _layers[layerId];
        try
        {
            layer.SetUp(_bottomVecs[layerId], _topVecs[layerId]);
        }
        catch (LayerException)
        {
            throw;
        }
        catch (Exception e)
        {
            string shapes = string.Join("; ", _bottomIdVecs[layerId].Select(b => $"{_blobNames[b]}: {_blobs[b].ShapeString}"));
            throw new LayerException(layer.Name, layer.Type,
                $"setup failed: {e.GetType().Name}: {e.Message} (bottoms: {(shapes.Length == 0 ? "none" : shapes)})", e);
        }
        // A fresh blob has no axes and no elements; any Reshape, even to a scalar (), gives it at least one.
        for (int t = 0; t < _topVecs[layerId].Count; t++)
        {
            Blob top = _topVecs[layerId][t];
            if (top.NumAxes == 0 && top.Count == 0)
            {
                throw new LayerException(layer.Name, layer.Type,
                    $"did not shape its top '{_blobNames[_topIdVecs[layerId][t]]}' (top {t}) during setup: a layer's " +
                    "LayerSetUp or Reshape must reshape every top (e.g. top[0].ReshapeLike(bottom[0])).");
            }
        }
    }

    // Walks the net from the top to find the layers whose outputs reach a loss; only those need backward.
    private void PruneBackward()
    {
        var blobsUnderLoss = new HashSet<string>(StringComparer.Ordinal);
        var blobsSkipBackprop = new HashSet<string>(StringComparer.Ordinal);
        for (int layerId = _layers.Count - 1; layerId >= 0; layerId--)
        {
            bool contributesLoss = false;
            bool skipPropagateDown = true;
            for (int topId = 0; topId < _topVecs[layerId].Count; topId++)
            {
                string blobName = _blobNames[_topIdVecs[layerId][topId]];
                if (_layers[layerId].Loss(topId) != 0 || blobsUnderLoss.Contains(blobName)) contributesLoss = true;
                if (!blobsSkipBackprop.Contains(blobName)) skipPropagateDown = false;
                if (contributesLoss && !skipPropagateDown) break;
            }
            if (_layerNeedBackward[layerId] && skipPropagateDown)
            {
                _layerNeedBackward[layerId] = false;
                for (int b = 0; b < _bottomVecs[layerId].Count; b++) _bottomNeedBackward[layerId][b] = false;
            }
            if (!contributesLoss) _layerNeedBackward[layerId] = false;
            for (int b = 0; b < _bottomVecs[layerId].Count; b++)
            {
                string blobName = _blobNames[_bottomIdVecs[layerId][b]];
                if (contributesLoss) blobsUnderLoss.Add(blobName);
                else _bottomNeedBackward[layerId][b] = false;
                if (!_bottomNeedBackward[layerId][b]) blobsSkipBackprop.Add(blobName);
            }
        }
    }

    private void ApplyForceBackward()
    {
        for (int layerId = 0; layerId < _layers.Count; layerId++)
        {
            _layerNeedBackward[layerId] = true;
            for (int b = 0; b < _bottomNeedBackward[layerId].Count; b++)
            {
                bool need = _bottomNeedBackward[layerId][b] || _layers[layerId].AllowForceBackward(b);
                _bottomNeedBackward[layerId][b] = need;
                int blobId = _bottomIdVecs[layerId][b];
                _blobNeedBackward[blobId] = _blobNeedBackward[blobId] || need;
            }
            for (int p = 0; p < _layers[layerId].Blobs.Count; p++) _layers[layerId].SetParamPropagateDown(p, true);
        }
    }

    private void AppendTop(LayerParameter layerParam, int layerId, int topId,
                           SortedSet<string>? availableBlobs, Dictionary<string, int>? blobNameToIndex)
    {
        string blobName = topId < layerParam.Top.Count ? layerParam.Top[topId] : "(automatic)";
        if (blobNameToIndex != null && topId < layerParam.Bottom.Count && blobName == layerParam.Bottom[topId])
        {
            // In place: the top is the very blob the bottom at the same index names.
            int shared = blobNameToIndex[blobName];
            _topVecs[layerId].Add(_blobs[shared]);
            _topIdVecs[layerId].Add(shared);
        }
        else if (blobNameToIndex != null && blobNameToIndex.ContainsKey(blobName))
        {
            throw new LayerException(layerParam.Name, layerParam.Type,
                $"top blob '{blobName}' is already produced by another layer; a blob may only be written in " +
                "place (as bottom and top at the same index) or by one layer.");
        }
        else
        {
            int blobId = _blobs.Count;
            _blobs.Add(new Blob());
            _blobNames.Add(blobName);
            _blobNeedBackward.Add(false);
            if (blobNameToIndex != null) blobNameToIndex[blobName] = blobId;
            _topIdVecs[layerId].Add(blobId);
            _topVecs[layerId].Add(_blobs[blobId]);
        }
        availableBlobs?.Add(blobName);
    }

    private int AppendBottom(LayerParameter layerParam, int layerId, int bottomId,
                             SortedSet<string> availableBlobs, Dictionary<string, int> blobNameToIndex)
    {
        string blobName = layerParam.Bottom[bottomId];
        if (!availableBlobs.Contains(blobName))
        {
            throw new LayerException(layerParam.Name, layerParam.Type,
                $"unknown bottom blob '{blobName}' (bottom index {bottomId}).");
        }
        int blobId = blobNameToIndex[blobName];
        _bottomVecs[layerId].Add(_blobs[blobId]);
        _bottomIdVecs[layerId].Add(blobId);
        availableBlobs.Remove(blobName);
        // As in Caffe 1.0, an explicit propagate_down wins both ways: false skips the bottom, true forces its diff
        // even when nothing below needs it (the recurrent layers' unrolled nets rely on this for their inputs).
        bool needBackward = layerParam.PropagateDown.Count > 0 ? layerParam.PropagateDown[bottomId] : _blobNeedBackward[blobId];
        _bottomNeedBackward[layerId].Add(needBackward);
        return blobId;
    }

    private void AppendParam(LayerParameter layerParam, int layerId, int paramId)
    {
        int paramSize = layerParam.Param.Count;
        string paramName = paramId < paramSize ? layerParam.Param[paramId].Name : "";
        _paramDisplayNames.Add(paramName.Length > 0 ? paramName : paramId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int netParamId = _params.Count;
        Blob blob = _layers[layerId].Blobs[paramId];
        _params.Add(blob);
        _paramIdVecs[layerId].Add(netParamId);
        _paramLayerIndices.Add((layerId, paramId));
        ParamSpec spec = paramId < paramSize ? layerParam.Param[paramId] : DefaultParamSpec;

        if (paramName.Length == 0 || !_paramNamesIndex.TryGetValue(paramName, out int ownerNetParamId))
        {
            // This layer owns the blob: it is anonymous, or the first to use its name.
            _paramOwners.Add(-1);
            if (paramName.Length > 0) _paramNamesIndex[paramName] = netParamId;
            _learnableParamIds.Add(_learnableParams.Count);
            _learnableParams.Add(blob);
            _hasParamsLr.Add(spec.HasLrMult);
            _hasParamsDecay.Add(spec.HasDecayMult);
            _paramsLr.Add(spec.LrMult);
            _paramsWeightDecay.Add(spec.DecayMult);
            return;
        }

        _paramOwners.Add(ownerNetParamId);
        (int ownerLayer, int ownerParam) = _paramLayerIndices[ownerNetParamId];
        Blob owner = _layers[ownerLayer].Blobs[ownerParam];
        bool permissive = paramId < paramSize && layerParam.Param[paramId].ShareMode == ParamSpec.Types.DimCheckMode.Permissive;
        if (permissive ? blob.Count != owner.Count : !blob.Shape.SequenceEqual(owner.Shape))
        {
            string rule = permissive ? "the same count (PERMISSIVE)" : "the same shape (STRICT)";
            throw new LayerException(layerParam.Name, layerParam.Type,
                $"cannot share parameter '{paramName}' owned by layer '{_layerNames[ownerLayer]}' (param {ownerParam}): " +
                $"shared blobs need {rule}, but this one is {blob.ShapeString} and the owner's is {owner.ShapeString}.");
        }
        int learnableId = _learnableParamIds[ownerNetParamId];
        _learnableParamIds.Add(learnableId);
        if (spec.HasLrMult)
            MergeSharedMult(_hasParamsLr, _paramsLr, learnableId, spec.LrMult, "lr_mult", paramName, layerParam);
        if (spec.HasDecayMult)
            MergeSharedMult(_hasParamsDecay, _paramsWeightDecay, learnableId, spec.DecayMult, "decay_mult", paramName, layerParam);
    }

    private static void MergeSharedMult(List<bool> has, List<float> values, int learnableId, float value,
                                        string field, string paramName, LayerParameter layerParam)
    {
        if (!has[learnableId])
        {
            has[learnableId] = true;
            values[learnableId] = value;
        }
        else if (values[learnableId] != value)
        {
            throw new LayerException(layerParam.Name, layerParam.Type,
                $"shared param '{paramName}' has mismatched {field}: {value} here, {values[learnableId]} before.");
        }
    }

    /// <summary>Points every shared (non-owner) parameter blob at its owner's data and diff (Caffe's ShareWeights).</summary>
    public void ShareWeights()
    {
        for (int i = 0; i < _params.Count; i++)
        {
            if (_paramOwners[i] < 0) continue;
            _params[i].ShareData(_params[_paramOwners[i]]);
            _params[i].ShareDiff(_params[_paramOwners[i]]);
        }
    }
}
