using System.Text.Json.Serialization;

namespace NasPrune.Supernet.Ofa;

[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation
{
    Relu,
    HSwish,
}
