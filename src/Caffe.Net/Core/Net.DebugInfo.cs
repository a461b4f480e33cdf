namespace Caffe;

public sealed partial class Net
{
    // Caffe's debug_info lines: the mean absolute value of each blob a layer wrote, in glog's number format.
    private void InputDebugInfo()
    {
        foreach (int blobId in _inputBlobIndices)
        {
            CaffeLog.Info($"    [Forward] Input {_blobNames[blobId]} data: {MeanAbs(_blobs[blobId].AsumData(), _blobs[blobId].Count)}");
        }
    }

    private void ForwardDebugInfo(int layerId)
    {
        for (int topId = 0; topId < _topVecs[layerId].Count; topId++)
        {
            Blob blob = _topVecs[layerId][topId];
            string blobName = _blobNames[_topIdVecs[layerId][topId]];
            CaffeLog.Info($"    [Forward] Layer {_layerNames[layerId]}, top blob {blobName} data: {MeanAbs(blob.AsumData(), blob.Count)}");
        }
        List<Blob> parameters = _layers[layerId].Blobs;
        for (int paramId = 0; paramId < parameters.Count; paramId++)
        {
            string paramName = _paramDisplayNames[_paramIdVecs[layerId][paramId]];
            CaffeLog.Info($"    [Forward] Layer {_layerNames[layerId]}, param blob {paramName} data: " +
                          MeanAbs(parameters[paramId].AsumData(), parameters[paramId].Count));
        }
    }

    private void BackwardDebugInfo(int layerId)
    {
        for (int bottomId = 0; bottomId < _bottomVecs[layerId].Count; bottomId++)
        {
            if (!_bottomNeedBackward[layerId][bottomId]) continue;
            Blob blob = _bottomVecs[layerId][bottomId];
            string blobName = _blobNames[_bottomIdVecs[layerId][bottomId]];
            CaffeLog.Info($"    [Backward] Layer {_layerNames[layerId]}, bottom blob {blobName} diff: {MeanAbs(blob.AsumDiff(), blob.Count)}");
        }
        List<Blob> parameters = _layers[layerId].Blobs;
        for (int paramId = 0; paramId < parameters.Count; paramId++)
        {
            if (!_layers[layerId].ParamPropagateDown(paramId)) continue;
            CaffeLog.Info($"    [Backward] Layer {_layerNames[layerId]}, param blob {paramId} diff: " +
                          MeanAbs(parameters[paramId].AsumDiff(), parameters[paramId].Count));
        }
    }

    private void ParamNormsDebugInfo()
    {
        double asumData = 0, asumDiff = 0, sumsqData = 0, sumsqDiff = 0;
        for (int i = 0; i < _params.Count; i++)
        {
            if (_paramOwners[i] >= 0) continue;
            asumData += _params[i].AsumData();
            asumDiff += _params[i].AsumDiff();
            sumsqData += _params[i].SumsqData();
            sumsqDiff += _params[i].SumsqDiff();
        }
        CaffeLog.Error("    [Backward] All net params (data, diff): " +
                       $"L1 norm = ({Glog(asumData)}, {Glog(asumDiff)}); " +
                       $"L2 norm = ({Glog(Math.Sqrt(sumsqData))}, {Glog(Math.Sqrt(sumsqDiff))})");
    }

    private static string MeanAbs(float asum, int count) => Glog((float)(asum / count));

    // glog prints floats with the stream's default precision, C's %.6g.
    private static string Glog(double value) => CFloatFormat.FormatG((float)value, 6);
}
