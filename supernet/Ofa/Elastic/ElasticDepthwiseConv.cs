using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>
/// Depthwise conv with an elastic kernel (OFA's DynamicSeparableConv2d): the weight holds the largest
/// kernel; a smaller kernel is the centre of the next larger (transformed) one, flattened per channel
/// and multiplied by a learned matrix (<c>y = x W^T</c>), one matrix per step (e.g. 7->5, 5->3),
/// shared by all channels and initialised to the identity. The width is the input tensor's.
/// </summary>
public sealed class ElasticDepthwiseConv : nn.Module
{
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "weight")] private readonly Parameter _weight;
    private readonly int[] _kernels;                  // descending, e.g. 7, 5, 3
    private readonly string[] _transformNames;        // _transformNames[i]: the matrix mapping _kernels[i] -> _kernels[i + 1]
    private readonly int _stride;
    private readonly int _maxChannels;

    public ElasticDepthwiseConv(int maxChannels, IReadOnlyList<int> kernels, int stride) : base("depthwise")
    {
        _kernels = kernels.OrderDescending().ToArray();
        _stride = stride;
        _maxChannels = maxChannels;
        int max = _kernels[0];
        _weight = new Parameter(empty(maxChannels, 1, max, max));
        register_parameter("weight", _weight);
        Init.HeFanOut(_weight);
        _transformNames = _kernels.Skip(1).Select((next, i) => $"transform_{_kernels[i]}to{next}").ToArray();
        for (int i = 0; i < _transformNames.Length; i++)
            register_parameter(_transformNames[i], new Parameter(eye(_kernels[i + 1] * _kernels[i + 1])));
    }

    public Parameter Weight => _weight;
    /// <summary>Transforms[i] maps kernel i to kernel i + 1 (descending); read through the registry, which Module.to() updates.</summary>
    public IReadOnlyList<Parameter> Transforms => Array.ConvertAll(_transformNames, name => get_parameter(name)!);
    public int Stride => _stride;
    public int MaxKernel => _kernels[0];


    public Tensor Forward(Tensor x, int kernel)
    {
        int channels = (int)x.size(1);
        return F.conv2d(x, ActiveWeight(channels, kernel), strides: [_stride, _stride], padding: [kernel / 2, kernel / 2], groups: channels);
    }

    /// <summary>The kernel [channels, 1, k, k] for the first <paramref name="channels"/> channels.</summary>
    public Tensor ActiveWeight(int channels, int kernel)
    {
        int step = Array.IndexOf(_kernels, kernel);
        if (step < 0) throw new ArgumentException($"kernel {kernel} is not allowed; allowed: {string.Join(", ", _kernels.Order())}");
        Tensor w = channels == _maxChannels ? _weight : _weight.slice(0, 0, channels, 1);
        if (step == 0) return w;
        using var scope = NewDisposeScope();
        for (int i = 0; i < step; i++)
        {
            int next = _kernels[i + 1];
            int start = (_kernels[i] - next) / 2;
            Tensor centre = w.slice(2, start, start + next, 1).slice(3, start, start + next, 1);
            w = F.linear(centre.reshape(channels, next * next), Transform(i)).reshape(channels, 1, next, next);
        }
        return w.MoveToOuterDisposeScope();
    }

    private Parameter Transform(int i) => get_parameter(_transformNames[i])!;
}
