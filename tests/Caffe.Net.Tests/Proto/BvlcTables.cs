namespace Caffe.Tests.Proto;

/// <summary>
/// Declarations written down by hand from BVLC Caffe master's src/caffe/proto/caffe.proto, in its
/// order, as the independent side of the schema tests. Spelled as BVLC spells them (e.g. "1." for
/// float defaults); the tests compare numbers, not spellings.
/// </summary>
internal static class BvlcTables
{
    public static readonly string[] Messages =
    [
        "BlobShape", "BlobProto", "BlobProtoVector", "Datum", "FillerParameter", "NetParameter",
        "SolverParameter", "SolverState", "NetState", "NetStateRule", "ParamSpec", "LayerParameter",
        "TransformationParameter", "LossParameter", "AccuracyParameter", "ArgMaxParameter", "ClipParameter",
        "ConcatParameter", "BatchNormParameter", "BiasParameter", "ContrastiveLossParameter",
        "ConvolutionParameter", "CropParameter", "DataParameter", "DropoutParameter", "DummyDataParameter",
        "EltwiseParameter", "ELUParameter", "EmbedParameter", "ExpParameter", "FlattenParameter",
        "HDF5DataParameter", "HDF5OutputParameter", "HingeLossParameter", "ImageDataParameter",
        "InfogainLossParameter", "InnerProductParameter", "InputParameter", "LogParameter", "LRNParameter",
        "MemoryDataParameter", "MVNParameter", "ParameterParameter", "PoolingParameter", "PowerParameter",
        "PythonParameter", "RecurrentParameter", "ReductionParameter", "ReLUParameter", "ReshapeParameter",
        "ScaleParameter", "SigmoidParameter", "SliceParameter", "SoftmaxParameter", "SwishParameter",
        "TanHParameter", "TileParameter", "ThresholdParameter", "WindowDataParameter", "SPPParameter",
        "V1LayerParameter", "V0LayerParameter", "PReLUParameter",
    ];

    public static readonly string[] BlobShape = ["repeated int64 dim = 1 [packed = true]"];

    public static readonly string[] BlobProto =
    [
        "optional BlobShape shape = 7",
        "repeated float data = 5 [packed = true]",
        "repeated float diff = 6 [packed = true]",
        "repeated double double_data = 8 [packed = true]",
        "repeated double double_diff = 9 [packed = true]",
        "optional int32 num = 1 [default = 0]",
        "optional int32 channels = 2 [default = 0]",
        "optional int32 height = 3 [default = 0]",
        "optional int32 width = 4 [default = 0]",
    ];

    public static readonly string[] Datum =
    [
        "optional int32 channels = 1",
        "optional int32 height = 2",
        "optional int32 width = 3",
        "optional bytes data = 4",
        "optional int32 label = 5",
        "repeated float float_data = 6",
        "optional bool encoded = 7 [default = false]",
    ];

    public static readonly string[] FillerParameter =
    [
        "optional string type = 1 [default = 'constant']",
        "optional float value = 2 [default = 0]",
        "optional float min = 3 [default = 0]",
        "optional float max = 4 [default = 1]",
        "optional float mean = 5 [default = 0]",
        "optional float std = 6 [default = 1]",
        "optional int32 sparse = 7 [default = -1]",
        "optional VarianceNorm variance_norm = 8 [default = FAN_IN]",
    ];

    public static readonly string[] NetParameter =
    [
        "optional string name = 1",
        "repeated string input = 3",
        "repeated BlobShape input_shape = 8",
        "repeated int32 input_dim = 4",
        "optional bool force_backward = 5 [default = false]",
        "optional NetState state = 6",
        "optional bool debug_info = 7 [default = false]",
        "repeated LayerParameter layer = 100",
        "repeated V1LayerParameter layers = 2",
    ];

    public static readonly string[] SolverParameter =
    [
        "optional string net = 24",
        "optional NetParameter net_param = 25",
        "optional string train_net = 1",
        "repeated string test_net = 2",
        "optional NetParameter train_net_param = 21",
        "repeated NetParameter test_net_param = 22",
        "optional NetState train_state = 26",
        "repeated NetState test_state = 27",
        "repeated int32 test_iter = 3",
        "optional int32 test_interval = 4 [default = 0]",
        "optional bool test_compute_loss = 19 [default = false]",
        "optional bool test_initialization = 32 [default = true]",
        "optional float base_lr = 5",
        "optional int32 display = 6",
        "optional int32 average_loss = 33 [default = 1]",
        "optional int32 max_iter = 7",
        "optional int32 iter_size = 36 [default = 1]",
        "optional string lr_policy = 8",
        "optional float gamma = 9",
        "optional float power = 10",
        "optional float momentum = 11",
        "optional float weight_decay = 12",
        "optional string regularization_type = 29 [default = \"L2\"]",
        "optional int32 stepsize = 13",
        "repeated int32 stepvalue = 34",
        "optional float clip_gradients = 35 [default = -1]",
        "optional int32 snapshot = 14 [default = 0]",
        "optional string snapshot_prefix = 15",
        "optional bool snapshot_diff = 16 [default = false]",
        "optional SnapshotFormat snapshot_format = 37 [default = BINARYPROTO]",
        "optional SolverMode solver_mode = 17 [default = GPU]",
        "optional int32 device_id = 18 [default = 0]",
        "optional int64 random_seed = 20 [default = -1]",
        "optional string type = 40 [default = \"SGD\"]",
        "optional float delta = 31 [default = 1e-8]",
        "optional float momentum2 = 39 [default = 0.999]",
        "optional float rms_decay = 38 [default = 0.99]",
        "optional bool debug_info = 23 [default = false]",
        "optional bool snapshot_after_train = 28 [default = true]",
        "optional SolverType solver_type = 30 [default = SGD]",
        "optional bool layer_wise_reduce = 41 [default = true]",
        "repeated string weights = 42",
    ];

    public static readonly string[] SolverState =
    [
        "optional int32 iter = 1",
        "optional string learned_net = 2",
        "repeated BlobProto history = 3",
        "optional int32 current_step = 4 [default = 0]",
    ];

    public static readonly string[] NetState =
    [
        "optional Phase phase = 1 [default = TEST]",
        "optional int32 level = 2 [default = 0]",
        "repeated string stage = 3",
    ];

    public static readonly string[] ParamSpec =
    [
        "optional string name = 1",
        "optional DimCheckMode share_mode = 2",
        "optional float lr_mult = 3 [default = 1.0]",
        "optional float decay_mult = 4 [default = 1.0]",
    ];

    public static readonly string[] LayerParameter =
    [
        "optional string name = 1",
        "optional string type = 2",
        "repeated string bottom = 3",
        "repeated string top = 4",
        "optional Phase phase = 10",
        "repeated float loss_weight = 5",
        "repeated ParamSpec param = 6",
        "repeated BlobProto blobs = 7",
        "repeated bool propagate_down = 11",
        "repeated NetStateRule include = 8",
        "repeated NetStateRule exclude = 9",
        "optional TransformationParameter transform_param = 100",
        "optional LossParameter loss_param = 101",
        "optional AccuracyParameter accuracy_param = 102",
        "optional ArgMaxParameter argmax_param = 103",
        "optional BatchNormParameter batch_norm_param = 139",
        "optional BiasParameter bias_param = 141",
        "optional ClipParameter clip_param = 148",
        "optional ConcatParameter concat_param = 104",
        "optional ContrastiveLossParameter contrastive_loss_param = 105",
        "optional ConvolutionParameter convolution_param = 106",
        "optional CropParameter crop_param = 144",
        "optional DataParameter data_param = 107",
        "optional DropoutParameter dropout_param = 108",
        "optional DummyDataParameter dummy_data_param = 109",
        "optional EltwiseParameter eltwise_param = 110",
        "optional ELUParameter elu_param = 140",
        "optional EmbedParameter embed_param = 137",
        "optional ExpParameter exp_param = 111",
        "optional FlattenParameter flatten_param = 135",
        "optional HDF5DataParameter hdf5_data_param = 112",
        "optional HDF5OutputParameter hdf5_output_param = 113",
        "optional HingeLossParameter hinge_loss_param = 114",
        "optional ImageDataParameter image_data_param = 115",
        "optional InfogainLossParameter infogain_loss_param = 116",
        "optional InnerProductParameter inner_product_param = 117",
        "optional InputParameter input_param = 143",
        "optional LogParameter log_param = 134",
        "optional LRNParameter lrn_param = 118",
        "optional MemoryDataParameter memory_data_param = 119",
        "optional MVNParameter mvn_param = 120",
        "optional ParameterParameter parameter_param = 145",
        "optional PoolingParameter pooling_param = 121",
        "optional PowerParameter power_param = 122",
        "optional PReLUParameter prelu_param = 131",
        "optional PythonParameter python_param = 130",
        "optional RecurrentParameter recurrent_param = 146",
        "optional ReductionParameter reduction_param = 136",
        "optional ReLUParameter relu_param = 123",
        "optional ReshapeParameter reshape_param = 133",
        "optional ScaleParameter scale_param = 142",
        "optional SigmoidParameter sigmoid_param = 124",
        "optional SoftmaxParameter softmax_param = 125",
        "optional SPPParameter spp_param = 132",
        "optional SliceParameter slice_param = 126",
        "optional SwishParameter swish_param = 147",
        "optional TanHParameter tanh_param = 127",
        "optional ThresholdParameter threshold_param = 128",
        "optional TileParameter tile_param = 138",
        "optional WindowDataParameter window_data_param = 129",
    ];

    public static readonly string[] TransformationParameter =
    [
        "optional float scale = 1 [default = 1]",
        "optional bool mirror = 2 [default = false]",
        "optional uint32 crop_size = 3 [default = 0]",
        "optional string mean_file = 4",
        "repeated float mean_value = 5",
        "optional bool force_color = 6 [default = false]",
        "optional bool force_gray = 7 [default = false]",
    ];

    public static readonly string[] LossParameter =
    [
        "optional int32 ignore_label = 1",
        "optional NormalizationMode normalization = 3 [default = VALID]",
        "optional bool normalize = 2",
    ];

    public static readonly string[] ConvolutionParameter =
    [
        "optional uint32 num_output = 1",
        "optional bool bias_term = 2 [default = true]",
        "repeated uint32 pad = 3",
        "repeated uint32 kernel_size = 4",
        "repeated uint32 stride = 6",
        "repeated uint32 dilation = 18",
        "optional uint32 pad_h = 9 [default = 0]",
        "optional uint32 pad_w = 10 [default = 0]",
        "optional uint32 kernel_h = 11",
        "optional uint32 kernel_w = 12",
        "optional uint32 stride_h = 13",
        "optional uint32 stride_w = 14",
        "optional uint32 group = 5 [default = 1]",
        "optional FillerParameter weight_filler = 7",
        "optional FillerParameter bias_filler = 8",
        "optional Engine engine = 15 [default = DEFAULT]",
        "optional int32 axis = 16 [default = 1]",
        "optional bool force_nd_im2col = 17 [default = false]",
    ];

    public static readonly string[] PoolingParameter =
    [
        "optional PoolMethod pool = 1 [default = MAX]",
        "optional uint32 pad = 4 [default = 0]",
        "optional uint32 pad_h = 9 [default = 0]",
        "optional uint32 pad_w = 10 [default = 0]",
        "optional uint32 kernel_size = 2",
        "optional uint32 kernel_h = 5",
        "optional uint32 kernel_w = 6",
        "optional uint32 stride = 3 [default = 1]",
        "optional uint32 stride_h = 7",
        "optional uint32 stride_w = 8",
        "optional Engine engine = 11 [default = DEFAULT]",
        "optional bool global_pooling = 12 [default = false]",
        "optional RoundMode round_mode = 13 [default = CEIL]",
    ];

    public static readonly string[] LRNParameter =
    [
        "optional uint32 local_size = 1 [default = 5]",
        "optional float alpha = 2 [default = 1.]",
        "optional float beta = 3 [default = 0.75]",
        "optional NormRegion norm_region = 4 [default = ACROSS_CHANNELS]",
        "optional float k = 5 [default = 1.]",
        "optional Engine engine = 6 [default = DEFAULT]",
    ];

    public static readonly string[] V1LayerParameter =
    [
        "repeated string bottom = 2",
        "repeated string top = 3",
        "optional string name = 4",
        "repeated NetStateRule include = 32",
        "repeated NetStateRule exclude = 33",
        "optional LayerType type = 5",
        "repeated BlobProto blobs = 6",
        "repeated string param = 1001",
        "repeated DimCheckMode blob_share_mode = 1002",
        "repeated float blobs_lr = 7",
        "repeated float weight_decay = 8",
        "repeated float loss_weight = 35",
        "optional AccuracyParameter accuracy_param = 27",
        "optional ArgMaxParameter argmax_param = 23",
        "optional ConcatParameter concat_param = 9",
        "optional ContrastiveLossParameter contrastive_loss_param = 40",
        "optional ConvolutionParameter convolution_param = 10",
        "optional DataParameter data_param = 11",
        "optional DropoutParameter dropout_param = 12",
        "optional DummyDataParameter dummy_data_param = 26",
        "optional EltwiseParameter eltwise_param = 24",
        "optional ExpParameter exp_param = 41",
        "optional HDF5DataParameter hdf5_data_param = 13",
        "optional HDF5OutputParameter hdf5_output_param = 14",
        "optional HingeLossParameter hinge_loss_param = 29",
        "optional ImageDataParameter image_data_param = 15",
        "optional InfogainLossParameter infogain_loss_param = 16",
        "optional InnerProductParameter inner_product_param = 17",
        "optional LRNParameter lrn_param = 18",
        "optional MemoryDataParameter memory_data_param = 22",
        "optional MVNParameter mvn_param = 34",
        "optional PoolingParameter pooling_param = 19",
        "optional PowerParameter power_param = 21",
        "optional ReLUParameter relu_param = 30",
        "optional SigmoidParameter sigmoid_param = 38",
        "optional SoftmaxParameter softmax_param = 39",
        "optional SliceParameter slice_param = 31",
        "optional TanHParameter tanh_param = 37",
        "optional ThresholdParameter threshold_param = 25",
        "optional WindowDataParameter window_data_param = 20",
        "optional TransformationParameter transform_param = 36",
        "optional LossParameter loss_param = 42",
        "optional V0LayerParameter layer = 1",
    ];

    public static readonly string[] V1LayerTypes =
    [
        "NONE = 0", "ABSVAL = 35", "ACCURACY = 1", "ARGMAX = 30", "BNLL = 2", "CONCAT = 3",
        "CONTRASTIVE_LOSS = 37", "CONVOLUTION = 4", "DATA = 5", "DECONVOLUTION = 39", "DROPOUT = 6",
        "DUMMY_DATA = 32", "EUCLIDEAN_LOSS = 7", "ELTWISE = 25", "EXP = 38", "FLATTEN = 8", "HDF5_DATA = 9",
        "HDF5_OUTPUT = 10", "HINGE_LOSS = 28", "IM2COL = 11", "IMAGE_DATA = 12", "INFOGAIN_LOSS = 13",
        "INNER_PRODUCT = 14", "LRN = 15", "MEMORY_DATA = 29", "MULTINOMIAL_LOGISTIC_LOSS = 16", "MVN = 34",
        "POOLING = 17", "POWER = 26", "RELU = 18", "SIGMOID = 19", "SIGMOID_CROSS_ENTROPY_LOSS = 27",
        "SILENCE = 36", "SOFTMAX = 20", "SOFTMAX_LOSS = 21", "SPLIT = 22", "SLICE = 33", "TANH = 23",
        "WINDOW_DATA = 24", "THRESHOLD = 31",
    ];

    public static readonly string[] V0LayerParameter =
    [
        "optional string name = 1",
        "optional string type = 2",
        "optional uint32 num_output = 3",
        "optional bool biasterm = 4 [default = true]",
        "optional FillerParameter weight_filler = 5",
        "optional FillerParameter bias_filler = 6",
        "optional uint32 pad = 7 [default = 0]",
        "optional uint32 kernelsize = 8",
        "optional uint32 group = 9 [default = 1]",
        "optional uint32 stride = 10 [default = 1]",
        "optional PoolMethod pool = 11 [default = MAX]",
        "optional float dropout_ratio = 12 [default = 0.5]",
        "optional uint32 local_size = 13 [default = 5]",
        "optional float alpha = 14 [default = 1.]",
        "optional float beta = 15 [default = 0.75]",
        "optional float k = 22 [default = 1.]",
        "optional string source = 16",
        "optional float scale = 17 [default = 1]",
        "optional string meanfile = 18",
        "optional uint32 batchsize = 19",
        "optional uint32 cropsize = 20 [default = 0]",
        "optional bool mirror = 21 [default = false]",
        "repeated BlobProto blobs = 50",
        "repeated float blobs_lr = 51",
        "repeated float weight_decay = 52",
        "optional uint32 rand_skip = 53 [default = 0]",
        "optional float det_fg_threshold = 54 [default = 0.5]",
        "optional float det_bg_threshold = 55 [default = 0.5]",
        "optional float det_fg_fraction = 56 [default = 0.25]",
        "optional uint32 det_context_pad = 58 [default = 0]",
        "optional string det_crop_mode = 59 [default = \"warp\"]",
        "optional int32 new_num = 60 [default = 0]",
        "optional int32 new_channels = 61 [default = 0]",
        "optional int32 new_height = 62 [default = 0]",
        "optional int32 new_width = 63 [default = 0]",
        "optional bool shuffle_images = 64 [default = false]",
        "optional uint32 concat_dim = 65 [default = 1]",
        "optional HDF5OutputParameter hdf5_output_param = 1001",
    ];
}
