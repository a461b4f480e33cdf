namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.params</c> (<c>P</c>): the enum values of the layer parameter messages, named as pycaffe names them,
/// e.g. <c>P.Pooling.MAX</c> for <c>PoolingParameter.Types.PoolMethod.Max</c>. Use them as NetSpec keyword values:
/// <c>L.Pooling(n["conv1"], new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX })</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "pycaffe's names.")]
public static class P
{
    /// <summary>Values of <see cref="FillerParameter"/>'s enums.</summary>
    public static class Filler
    {
        /// <summary><c>FillerParameter.VarianceNorm.FAN_IN</c>.</summary>
        public const FillerParameter.Types.VarianceNorm FAN_IN = FillerParameter.Types.VarianceNorm.FanIn;

        /// <summary><c>FillerParameter.VarianceNorm.FAN_OUT</c>.</summary>
        public const FillerParameter.Types.VarianceNorm FAN_OUT = FillerParameter.Types.VarianceNorm.FanOut;

        /// <summary><c>FillerParameter.VarianceNorm.AVERAGE</c>.</summary>
        public const FillerParameter.Types.VarianceNorm AVERAGE = FillerParameter.Types.VarianceNorm.Average;
    }

    /// <summary>Values of <see cref="LossParameter"/>'s enums.</summary>
    public static class Loss
    {
        /// <summary><c>LossParameter.NormalizationMode.FULL</c>.</summary>
        public const LossParameter.Types.NormalizationMode FULL = LossParameter.Types.NormalizationMode.Full;

        /// <summary><c>LossParameter.NormalizationMode.VALID</c>.</summary>
        public const LossParameter.Types.NormalizationMode VALID = LossParameter.Types.NormalizationMode.Valid;

        /// <summary><c>LossParameter.NormalizationMode.BATCH_SIZE</c>.</summary>
        public const LossParameter.Types.NormalizationMode BATCH_SIZE = LossParameter.Types.NormalizationMode.BatchSize;

        /// <summary><c>LossParameter.NormalizationMode.NONE</c>.</summary>
        public const LossParameter.Types.NormalizationMode NONE = LossParameter.Types.NormalizationMode.None;
    }

    /// <summary>Values of <see cref="ConvolutionParameter"/>'s enums.</summary>
    public static class Convolution
    {
        /// <summary><c>ConvolutionParameter.Engine.DEFAULT</c>.</summary>
        public const ConvolutionParameter.Types.Engine DEFAULT = ConvolutionParameter.Types.Engine.Default;

        /// <summary><c>ConvolutionParameter.Engine.CAFFE</c>.</summary>
        public const ConvolutionParameter.Types.Engine CAFFE = ConvolutionParameter.Types.Engine.Caffe;

        /// <summary><c>ConvolutionParameter.Engine.CUDNN</c>.</summary>
        public const ConvolutionParameter.Types.Engine CUDNN = ConvolutionParameter.Types.Engine.Cudnn;
    }

    /// <summary>Values of <see cref="DataParameter"/>'s enums.</summary>
    public static class Data
    {
        /// <summary><c>DataParameter.DB.LEVELDB</c>.</summary>
        public const DataParameter.Types.DB LEVELDB = DataParameter.Types.DB.Leveldb;

        /// <summary><c>DataParameter.DB.LMDB</c>.</summary>
        public const DataParameter.Types.DB LMDB = DataParameter.Types.DB.Lmdb;
    }

    /// <summary>Values of <see cref="EltwiseParameter"/>'s enums.</summary>
    public static class Eltwise
    {
        /// <summary><c>EltwiseParameter.EltwiseOp.PROD</c>.</summary>
        public const EltwiseParameter.Types.EltwiseOp PROD = EltwiseParameter.Types.EltwiseOp.Prod;

        /// <summary><c>EltwiseParameter.EltwiseOp.SUM</c>.</summary>
        public const EltwiseParameter.Types.EltwiseOp SUM = EltwiseParameter.Types.EltwiseOp.Sum;

        /// <summary><c>EltwiseParameter.EltwiseOp.MAX</c>.</summary>
        public const EltwiseParameter.Types.EltwiseOp MAX = EltwiseParameter.Types.EltwiseOp.Max;
    }

    /// <summary>Values of <see cref="HingeLossParameter"/>'s enums.</summary>
    public static class HingeLoss
    {
        /// <summary><c>HingeLossParameter.Norm.L1</c>.</summary>
        public const HingeLossParameter.Types.Norm L1 = HingeLossParameter.Types.Norm.L1;

        /// <summary><c>HingeLossParameter.Norm.L2</c>.</summary>
        public const HingeLossParameter.Types.Norm L2 = HingeLossParameter.Types.Norm.L2;
    }

    /// <summary>Values of <see cref="LRNParameter"/>'s enums.</summary>
    public static class LRN
    {
        /// <summary><c>LRNParameter.NormRegion.ACROSS_CHANNELS</c>.</summary>
        public const LRNParameter.Types.NormRegion ACROSS_CHANNELS = LRNParameter.Types.NormRegion.AcrossChannels;

        /// <summary><c>LRNParameter.NormRegion.WITHIN_CHANNEL</c>.</summary>
        public const LRNParameter.Types.NormRegion WITHIN_CHANNEL = LRNParameter.Types.NormRegion.WithinChannel;

        /// <summary><c>LRNParameter.Engine.DEFAULT</c>.</summary>
        public const LRNParameter.Types.Engine DEFAULT = LRNParameter.Types.Engine.Default;

        /// <summary><c>LRNParameter.Engine.CAFFE</c>.</summary>
        public const LRNParameter.Types.Engine CAFFE = LRNParameter.Types.Engine.Caffe;

        /// <summary><c>LRNParameter.Engine.CUDNN</c>.</summary>
        public const LRNParameter.Types.Engine CUDNN = LRNParameter.Types.Engine.Cudnn;
    }

    /// <summary>Values of <see cref="PoolingParameter"/>'s enums.</summary>
    public static class Pooling
    {
        /// <summary><c>PoolingParameter.PoolMethod.MAX</c>.</summary>
        public const PoolingParameter.Types.PoolMethod MAX = PoolingParameter.Types.PoolMethod.Max;

        /// <summary><c>PoolingParameter.PoolMethod.AVE</c>.</summary>
        public const PoolingParameter.Types.PoolMethod AVE = PoolingParameter.Types.PoolMethod.Ave;

        /// <summary><c>PoolingParameter.PoolMethod.STOCHASTIC</c>.</summary>
        public const PoolingParameter.Types.PoolMethod STOCHASTIC = PoolingParameter.Types.PoolMethod.Stochastic;

        /// <summary><c>PoolingParameter.Engine.DEFAULT</c>.</summary>
        public const PoolingParameter.Types.Engine DEFAULT = PoolingParameter.Types.Engine.Default;

        /// <summary><c>PoolingParameter.Engine.CAFFE</c>.</summary>
        public const PoolingParameter.Types.Engine CAFFE = PoolingParameter.Types.Engine.Caffe;

        /// <summary><c>PoolingParameter.Engine.CUDNN</c>.</summary>
        public const PoolingParameter.Types.Engine CUDNN = PoolingParameter.Types.Engine.Cudnn;

        /// <summary><c>PoolingParameter.RoundMode.CEIL</c>.</summary>
        public const PoolingParameter.Types.RoundMode CEIL = PoolingParameter.Types.RoundMode.Ceil;

        /// <summary><c>PoolingParameter.RoundMode.FLOOR</c>.</summary>
        public const PoolingParameter.Types.RoundMode FLOOR = PoolingParameter.Types.RoundMode.Floor;
    }

    /// <summary>Values of <see cref="ReductionParameter"/>'s enums.</summary>
    public static class Reduction
    {
        /// <summary><c>ReductionParameter.ReductionOp.SUM</c>.</summary>
        public const ReductionParameter.Types.ReductionOp SUM = ReductionParameter.Types.ReductionOp.Sum;

        /// <summary><c>ReductionParameter.ReductionOp.ASUM</c>.</summary>
        public const ReductionParameter.Types.ReductionOp ASUM = ReductionParameter.Types.ReductionOp.Asum;

        /// <summary><c>ReductionParameter.ReductionOp.SUMSQ</c>.</summary>
        public const ReductionParameter.Types.ReductionOp SUMSQ = ReductionParameter.Types.ReductionOp.Sumsq;

        /// <summary><c>ReductionParameter.ReductionOp.MEAN</c>.</summary>
        public const ReductionParameter.Types.ReductionOp MEAN = ReductionParameter.Types.ReductionOp.Mean;
    }

    /// <summary>Values of <see cref="ReLUParameter"/>'s enums.</summary>
    public static class ReLU
    {
        /// <summary><c>ReLUParameter.Engine.DEFAULT</c>.</summary>
        public const ReLUParameter.Types.Engine DEFAULT = ReLUParameter.Types.Engine.Default;

        /// <summary><c>ReLUParameter.Engine.CAFFE</c>.</summary>
        public const ReLUParameter.Types.Engine CAFFE = ReLUParameter.Types.Engine.Caffe;

        /// <summary><c>ReLUParameter.Engine.CUDNN</c>.</summary>
        public const ReLUParameter.Types.Engine CUDNN = ReLUParameter.Types.Engine.Cudnn;
    }

    /// <summary>Values of <see cref="SigmoidParameter"/>'s enums.</summary>
    public static class Sigmoid
    {
        /// <summary><c>SigmoidParameter.Engine.DEFAULT</c>.</summary>
        public const SigmoidParameter.Types.Engine DEFAULT = SigmoidParameter.Types.Engine.Default;

        /// <summary><c>SigmoidParameter.Engine.CAFFE</c>.</summary>
        public const SigmoidParameter.Types.Engine CAFFE = SigmoidParameter.Types.Engine.Caffe;

        /// <summary><c>SigmoidParameter.Engine.CUDNN</c>.</summary>
        public const SigmoidParameter.Types.Engine CUDNN = SigmoidParameter.Types.Engine.Cudnn;
    }

    /// <summary>Values of <see cref="SoftmaxParameter"/>'s enums.</summary>
    public static class Softmax
    {
        /// <summary><c>SoftmaxParameter.Engine.DEFAULT</c>.</summary>
        public const SoftmaxParameter.Types.Engine DEFAULT = SoftmaxParameter.Types.Engine.Default;

        /// <summary><c>SoftmaxParameter.Engine.CAFFE</c>.</summary>
        public const SoftmaxParameter.Types.Engine CAFFE = SoftmaxParameter.Types.Engine.Caffe;

        /// <summary><c>SoftmaxParameter.Engine.CUDNN</c>.</summary>
        public const SoftmaxParameter.Types.Engine CUDNN = SoftmaxParameter.Types.Engine.Cudnn;
    }

    /// <summary>Values of <see cref="TanHParameter"/>'s enums.</summary>
    public static class TanH
    {
        /// <summary><c>TanHParameter.Engine.DEFAULT</c>.</summary>
        public const TanHParameter.Types.Engine DEFAULT = TanHParameter.Types.Engine.Default;

        /// <summary><c>TanHParameter.Engine.CAFFE</c>.</summary>
        public const TanHParameter.Types.Engine CAFFE = TanHParameter.Types.Engine.Caffe;

        /// <summary><c>TanHParameter.Engine.CUDNN</c>.</summary>
        public const TanHParameter.Types.Engine CUDNN = TanHParameter.Types.Engine.Cudnn;
    }

    /// <summary>Values of <see cref="SPPParameter"/>'s enums.</summary>
    public static class SPP
    {
        /// <summary><c>SPPParameter.PoolMethod.MAX</c>.</summary>
        public const SPPParameter.Types.PoolMethod MAX = SPPParameter.Types.PoolMethod.Max;

        /// <summary><c>SPPParameter.PoolMethod.AVE</c>.</summary>
        public const SPPParameter.Types.PoolMethod AVE = SPPParameter.Types.PoolMethod.Ave;

        /// <summary><c>SPPParameter.PoolMethod.STOCHASTIC</c>.</summary>
        public const SPPParameter.Types.PoolMethod STOCHASTIC = SPPParameter.Types.PoolMethod.Stochastic;

        /// <summary><c>SPPParameter.Engine.DEFAULT</c>.</summary>
        public const SPPParameter.Types.Engine DEFAULT = SPPParameter.Types.Engine.Default;

        /// <summary><c>SPPParameter.Engine.CAFFE</c>.</summary>
        public const SPPParameter.Types.Engine CAFFE = SPPParameter.Types.Engine.Caffe;

        /// <summary><c>SPPParameter.Engine.CUDNN</c>.</summary>
        public const SPPParameter.Types.Engine CUDNN = SPPParameter.Types.Engine.Cudnn;
    }
}
