namespace Caffe;

/// <summary>Whether a BLAS operand is used as stored or transposed (CBLAS_TRANSPOSE of Caffe's math functions).</summary>
public enum Transpose
{
    /// <summary>op(X) = X (CblasNoTrans).</summary>
    NoTrans,

    /// <summary>op(X) = Xᵀ (CblasTrans).</summary>
    Trans,
}
