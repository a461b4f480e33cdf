namespace Caffe;

/// <summary>The BLAS implementations Caffe.Net can run on. Select one with <c>CAFFE_BLAS</c> or <see cref="Blas.Use"/>.</summary>
public enum BlasBackendKind
{
    /// <summary>The built-in managed SIMD implementation; always available (<c>CAFFE_BLAS=managed</c>).</summary>
    Managed,

    /// <summary>Intel MKL through <c>libmkl_rt.so</c> (Debian <c>libmkl-rt</c>, <c>CAFFE_BLAS=mkl</c>).</summary>
    Mkl,

    /// <summary>OpenBLAS through <c>libopenblas.so.0</c> (Debian <c>libopenblas0-pthread</c>, <c>CAFFE_BLAS=openblas</c>).</summary>
    OpenBlas,

    /// <summary>BLIS through <c>libblis.so.4</c> (Debian <c>libblis4-pthread</c>, <c>CAFFE_BLAS=blis</c>).</summary>
    Blis,
}
