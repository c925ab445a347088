using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Tests.Supernet.Sparse;

/// <summary>The C# sparse kernel (<see cref="CsrMatrix"/>, <see cref="CsrProduct"/>, <see cref="SparseKernel"/>) against libtorch's dense ops.</summary>
public sealed class CsrKernelTests
{
    /// <summary>A weight with about <paramref name="density"/> of its entries kept, and its first row all zero.</summary>
    private static Tensor PrunedWeight(long[] shape, double density, int seed)
    {
        manual_seed(seed);
        Tensor weight = randn(shape);
        Tensor keep = rand(shape).lt(density);
        keep[0] = zeros_like(keep[0]);
        return weight.mul(keep);
    }

    [Fact]
    public void TheMatrixHoldsExactlyTheNonZerosRowByRowInColumnOrder()
    {
        using Tensor weight = PrunedWeight([5, 3, 2, 2], 0.3, 1);
        CsrMatrix matrix = CsrMatrix.FromWeight(weight);
        float[] flat = weight.reshape(5, -1).data<float>().ToArray();

        Assert.Equal((5, 12), (matrix.Rows, matrix.ColumnCount));
        Assert.Equal(flat.Count(v => v != 0), matrix.NonZeros);
        Assert.Equal(0, matrix.RowStart[1]); // the all-zero first row
        var rebuilt = new float[flat.Length];
        for (int r = 0; r < matrix.Rows; r++)
        {
            int[] columns = matrix.Columns[matrix.RowStart[r]..matrix.RowStart[r + 1]];
            Assert.Equal(columns.Order(), columns);
            for (int p = matrix.RowStart[r]; p < matrix.RowStart[r + 1]; p++) rebuilt[r * 12 + matrix.Columns[p]] = matrix.Values[p];
        }
        Assert.Equal(flat, rebuilt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(784)]
    public unsafe void TheProductEqualsTheDenseMatmulForEveryTileRemainderAndLayout(long m)
    {
        // m = 1 and 7 are one partial tile, 33 a full tile and a partial one, 784 many tiles (over two threads).
        using Tensor weight = PrunedWeight([9, 20], 0.25, 2);
        CsrMatrix matrix = CsrMatrix.FromWeight(weight);
        using Tensor x = randn(3, 20, m);                      // three products, X row-major
        using Tensor xColumnMajor = x.transpose(1, 2).contiguous();
        using Tensor expected = matmul(weight, x);             // [3, 9, m]
        foreach (DenseLayout xLayout in Enum.GetValues<DenseLayout>())
            foreach (DenseLayout yLayout in Enum.GetValues<DenseLayout>())
            {
                Tensor input = xLayout == DenseLayout.RowMajor ? x : xColumnMajor;
                long[] shape = yLayout == DenseLayout.RowMajor ? [3, 9, m] : [3, m, 9];
                using Tensor one = full(shape, float.NaN), two = full(shape, float.NaN);

                CsrProduct.Multiply(matrix, TensorMemory.Floats(input), xLayout, TensorMemory.Floats(one), yLayout, m, 3, threads: 1);
                CsrProduct.Multiply(matrix, TensorMemory.Floats(input), xLayout, TensorMemory.Floats(two), yLayout, m, 3, threads: 2);

                TensorAssert.Close(expected, yLayout == DenseLayout.RowMajor ? one : one.transpose(1, 2), 1e-5);  // every element written (NaN otherwise), the all-zero row as zeros
                Assert.True(one.equal(two).all().item<bool>(), $"{xLayout} -> {yLayout}: two threads must compute every element exactly as one does");
            }
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(1, 2, 0)]
    [InlineData(3, 1, 1)]
    public void AChannelsLastInputGivesTheDenseValuesInChannelsLastLayout(int kernel, int stride, int padding)
    {
        using Tensor weight = PrunedWeight([16, 8, kernel, kernel], 0.2, 6);
        using Tensor x = ChannelsLast.Apply(randn(2, 8, 9, 9));
        using Tensor expected = F.conv2d(x, weight, strides: [stride, stride], padding: [padding, padding]);

        using Tensor y = SparseKernel.Conv2d(x, SparseKernel.Matrix(weight), kernel, stride, padding, 1);

        Assert.True(ChannelsLast.IsChannelsLast(y));
        TensorAssert.Close(expected, y, 1e-5);
    }

    [Theory]
    [InlineData(1, 1, 0, 1)]
    [InlineData(3, 1, 1, 1)]
    [InlineData(3, 2, 1, 1)]
    [InlineData(5, 1, 4, 2)]
    public void TheConvolutionEqualsTheDenseOne(int kernel, int stride, int padding, int dilation)
    {
        using Tensor weight = PrunedWeight([6, 4, kernel, kernel], 0.2, 3);
        using Tensor x = randn(3, 4, 11, 11);
        using Tensor expected = F.conv2d(x, weight, strides: [stride, stride], padding: [padding, padding], dilation: [dilation, dilation]);

        using Tensor y = SparseKernel.Conv2d(x, SparseKernel.Matrix(weight), kernel, stride, padding, dilation);

        TensorAssert.Close(expected, y, 1e-5);
    }

    [Fact]
    public void ASpatialViewOfAChannelsLastInputKeepsItsLayout()
    {
        // DARTS' FactorizedReduce convolves x[:, :, 1:, 1:]: channels innermost, but not a dense NHWC tensor.
        using Tensor weight = PrunedWeight([6, 8, 1, 1], 0.3, 7);
        using Tensor shifted = ChannelsLast.Apply(randn(2, 8, 9, 9))[.., .., 1.., 1..];

        using Tensor y = SparseKernel.Conv2d(shifted, SparseKernel.Matrix(weight), 1, 2, 0, 1);

        Assert.True(ChannelsLast.IsChannelsLast(y));
        TensorAssert.Close(F.conv2d(shifted.contiguous(), weight, strides: [2, 2]), y, 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void TheLinearLayerEqualsTheDenseOne(int batch)
    {
        using Tensor weight = PrunedWeight([10, 64], 0.1, 4);
        using Tensor bias = randn(10);
        using Tensor x = randn(batch, 64);

        using Tensor y = SparseKernel.Linear(x, SparseKernel.Matrix(weight), bias);

        TensorAssert.Close(F.linear(x, weight, bias), y, 1e-5);
    }

    [Fact]
    public void AnInputOfTheWrongWidthIsRefusedNotRead()
    {
        CsrMatrix matrix = SparseKernel.Matrix(PrunedWeight([6, 4, 3, 3], 0.2, 5));
        var e = Assert.Throws<ArgumentException>(() => SparseKernel.Conv2d(randn(1, 5, 8, 8), matrix, 3, 1, 1, 1));
        Assert.Contains("45 values per output position; the weight takes 36", e.Message);
        Assert.Throws<ArgumentException>(() => SparseKernel.Linear(randn(2, 35), matrix, null));
    }

    [Fact]
    public unsafe void OnlyContiguousFloatTensorsOnTheCpuGiveTheirMemory()
    {
        using Tensor x = randn(4, 6);
        Assert.Equal(x[0, 1].item<float>(), TensorMemory.Floats(x)[1]);
        using Tensor row = x[2];
        Assert.Equal(x[2, 0].item<float>(), TensorMemory.Floats(row)[0]); // a view's storage offset is included
        Assert.Contains("contiguous", Assert.Throws<ArgumentException>(() => (nint)TensorMemory.Floats(x.t())).Message);
        Assert.Contains("float32", Assert.Throws<ArgumentException>(() => (nint)TensorMemory.Floats(x.to(float64))).Message);
    }
}
