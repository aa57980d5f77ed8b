using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>actions</c> as the RBAC API takes and shows it: given as a comma list (<c>read,create</c>), an array of
/// names, or <c>*</c> for all; stored as Kong's bit field; shown as an array in Kong's order.
/// </summary>
public static class RbacActionList
{
    private const string All = "*";

    /// <summary>The bit field the value names.</summary>
    /// <exception cref="AdminException">400 <c>Undefined RBAC action x</c> for a name that is not an action.</exception>
    public static RbacActions Parse(JsonNode value)
    {
        var names = value switch
        {
            JsonArray array => array.Select(Text),
            _ => Text(value).Split(','),
        };
        var actions = RbacActions.None;
        foreach (var raw in names)
        {
            var name = raw.Trim();
            actions |= name == All
                ? RbacActions.All
                : RbacActionNames.Each.FirstOrDefault(e => e.Name == name) is { Name: not null } known
                    ? known.Action
                    : throw AdminException.WithMessage(400, $"Undefined RBAC action {name}");
        }

        return actions;
    }

    /// <summary>The bit field as Kong shows it: <c>["delete","create","update","read"]</c> for 15.</summary>
    public static JsonArray Render(int actions) =>
        new([.. RbacActionNames.Each.Where(e => (actions & (int)e.Action) != 0).Select(e => (JsonNode)JsonValue.Create(e.Name))]);

    /// <summary>A stored permission row as the API shows it: <c>actions</c> as names, without our own id (Kong keys it by its fields).</summary>
    public static JsonObject Present(JsonObject row)
    {
        var shown = (JsonObject)row.DeepClone();
        shown.Remove("id");
        shown["actions"] = Render(Stored(row));
        return shown;
    }

    /// <summary>A stored permission row's bit field.</summary>
    public static int Stored(JsonObject row) => int.Parse(row["actions"]!.ToJsonString(), CultureInfo.InvariantCulture);

    private static string Text(JsonNode? element) =>
        element is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw AdminException.WithMessage(400, $"Undefined RBAC action {element?.ToJsonString() ?? "null"}");
}
