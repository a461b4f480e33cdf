namespace Caffe.Tests.Solvers;

// TEMPORARY: an InnerProduct stand-in until layers-conv is merged.
internal static class StandInLayers
{
    public const string Linear = "TestLinear";
    private static readonly object Gate = new();

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (!LayerRegistry.IsRegistered(Linear)) LayerRegistry.Register(Linear, p => new LinearLayer(p));
        }
    }

    private sealed class LinearLayer(LayerParameter param) : Layer(param)
    {
        public override string Type => Linear;

        public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
        {
            if (Blobs.Count > 0) return;
            int k = bottom[0].CountFrom(1);
            int n = (int)Param.InnerProductParam.NumOutput;
            Blobs.Add(new Blob(n, k));
            Blobs.Add(new Blob(n));
            Filler.Fill(Param.InnerProductParam.WeightFiller, Blobs[0]);
            Filler.Fill(Param.InnerProductParam.BiasFiller, Blobs[1]);
        }

        public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
            top[0].Reshape(bottom[0].ShapeAt(0), Blobs[0].ShapeAt(0));

        protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
        {
            int m = bottom[0].ShapeAt(0), n = Blobs[0].ShapeAt(0), k = Blobs[0].ShapeAt(1);
            Blas.Gemm(Transpose.NoTrans, Transpose.Trans, m, n, k, 1f, bottom[0].Data, Blobs[0].Data, 0f, top[0].Data);
            Span<float> y = top[0].Data;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) y[i * n + j] += Blobs[1].Data[j];
        }

        protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
        {
            int m = bottom[0].ShapeAt(0), n = Blobs[0].ShapeAt(0), k = Blobs[0].ShapeAt(1);
            if (ParamPropagateDown(0))
                Blas.Gemm(Transpose.Trans, Transpose.NoTrans, n, k, m, 1f, top[0].Diff, bottom[0].Data, 1f, Blobs[0].Diff);
            if (ParamPropagateDown(1))
            {
                Span<float> db = Blobs[1].Diff;
                ReadOnlySpan<float> dy = top[0].Diff;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) db[j] += dy[i * n + j];
            }
            if (propagateDown[0])
                Blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, m, k, n, 1f, top[0].Diff, Blobs[0].Data, 0f, bottom[0].Diff);
        }
    }
}
