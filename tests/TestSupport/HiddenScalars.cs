using System.Reflection;
using TorchSharp;

namespace NasPrune.Tests.TestSupport;

/// <summary>
/// Finds code that hands libtorch a temporary TorchSharp <see cref="Scalar"/> the GC may finalize during the
/// native call (see NasPrune.Supernet.Runtime.ScalarMath): implicit number-to-Scalar conversions, ToScalar()
/// in a method that never disposes a Scalar, TorchSharp members that do either (found in TorchSharp's own IL,
/// then everything in TorchSharp that calls them), and TorchSharp modules whose forward does.
/// </summary>
public static class HiddenScalars
{
    private static readonly Lazy<Dictionary<(Module, int), MethodBase>> Unsafe = new(FindUnsafeTorchSharpMembers);

    /// <summary>TorchSharp methods that create a temporary Scalar they do not dispose, directly or through another.</summary>
    public static IEnumerable<MethodBase> UnsafeTorchSharpMembers => Unsafe.Value.Values;

    /// <summary>One line per unsafe call in <paramref name="method"/>: "Type.Method: calls X".</summary>
    public static IEnumerable<string> Violations(MethodBase method)
    {
        var called = IlCalls.CalledBy(method).DistinctBy(Key).ToList();
        // A static constructor's Scalars live in static fields: roots, never finalized.
        bool disposesAScalar = method is ConstructorInfo { IsStatic: true } || called.Any(IsDispose);
        foreach (MethodBase callee in called)
        {
            string? why = callee switch
            {
                _ when IsImplicitScalar(callee) => "an implicit conversion to Scalar",
                _ when IsToScalar(callee) && !disposesAScalar => "ToScalar() without disposing the Scalar",
                _ when Unsafe.Value.ContainsKey(Key(callee)) => $"{Describe(callee)}, which makes a temporary Scalar",
                _ when ModuleBuilt(callee) is { } module && UnsafeForward(module) => $"{module.Name}, whose forward makes a temporary Scalar",
                _ => null,
            };
            if (why is not null) yield return $"{method.DeclaringType!.FullName}.{method.Name}: {why}";
        }
    }

    private static Dictionary<(Module, int), MethodBase> FindUnsafeTorchSharpMembers()
    {
        Assembly torch = typeof(Scalar).Assembly;
        // Each method's IL is read once.
        var calls = IlCalls.MethodsOf(torch).DistinctBy(Key).Where(m => !IsImplicitScalar(m)).ToDictionary(m => m, m => IlCalls.CalledBy(m).ToList());
        var found = calls.Where(kv => kv.Value.Any(c => IsImplicitScalar(c) || IsToScalar(c)) && !kv.Value.Any(IsScalarDispose))
            .ToDictionary(kv => Key(kv.Key), kv => kv.Key);
        var callees = calls.ToDictionary(kv => kv.Key, kv => kv.Value.Select(Key).ToHashSet());
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (method, called) in callees)
                if (!found.ContainsKey(Key(method)) && called.Any(found.ContainsKey)) grew |= found.TryAdd(Key(method), method);
        }
        return found;
    }

    /// <summary>"Tensor.add(Tensor)".</summary>
    public static string Describe(MethodBase m) => $"{m.DeclaringType!.Name}.{m.Name}({string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name))})";

    /// <summary>A method's identity whatever its generic instantiation or the type it was reflected from.</summary>
    private static (Module, int) Key(MethodBase m) => (m.Module, m.MetadataToken);

    private static bool IsDispose(MethodBase m) => IsScalarDispose(m) || (m.DeclaringType == typeof(IDisposable) && m.Name == "Dispose");

    private static bool IsImplicitScalar(MethodBase m) => m is MethodInfo { Name: "op_Implicit" } mi && mi.ReturnType == typeof(Scalar);

    private static bool IsToScalar(MethodBase m) => m.Name == "ToScalar" && m is MethodInfo mi && mi.ReturnType == typeof(Scalar);

    private static bool IsScalarDispose(MethodBase m) => m.DeclaringType == typeof(Scalar) && m.Name == "Dispose";

    /// <summary>The TorchSharp module type a constructor or factory call builds, if any.</summary>
    private static Type? ModuleBuilt(MethodBase callee)
    {
        Type? built = callee switch
        {
            ConstructorInfo c => c.DeclaringType,
            MethodInfo m when m.DeclaringType?.Assembly == typeof(Scalar).Assembly => m.ReturnType,
            _ => null,
        };
        return built is not null && built.Assembly == typeof(Scalar).Assembly && typeof(torch.nn.Module).IsAssignableFrom(built) ? built : null;
    }

    private static bool UnsafeForward(Type module) =>
        module.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "forward").Any(m => Unsafe.Value.ContainsKey(Key(m)));
}
