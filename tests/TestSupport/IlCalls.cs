using System.Reflection;
using System.Reflection.Emit;

namespace NasPrune.Tests.TestSupport;

/// <summary>
/// The methods a method body calls (call, callvirt, newobj, ldftn, ldvirtftn), read from its IL through
/// reflection: enough to check rules about which APIs the compiled code may use, lambdas and
/// iterators included (they are compiler-generated methods of their own).
/// </summary>
public static class IlCalls
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every method and constructor with a body, nested and compiler-generated types included.</summary>
    public static IEnumerable<MethodBase> MethodsOf(Assembly assembly) =>
        LoadableTypes(assembly).SelectMany(t => t.GetMethods(Everything).Cast<MethodBase>().Concat(t.GetConstructors(Everything)))
            .Where(m => m.GetMethodBody() is not null);

    public static IEnumerable<MethodBase> CalledBy(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = Resolve(method.Module, BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                if (callee is not null) yield return callee;
            }
            i += OperandSize(op.OperandType, il, i);
        }
    }

    private static MethodBase? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try { return module.ResolveMethod(token, typeArguments, methodArguments); }
        catch (ArgumentException) { return null; }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }
}
