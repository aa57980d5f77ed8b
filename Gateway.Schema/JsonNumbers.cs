using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>Reading numbers out of JSON nodes however they were made.</summary>
public static class JsonNumbers
{
    /// <summary>
    /// A number node as a double, whether it was parsed from JSON or built in code (a default made
    /// with <c>JsonValue.Create(10000L)</c> refuses <c>GetValue&lt;double&gt;</c>).
    /// </summary>
    public static double ToDouble(JsonNode value) =>
        value is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
}
