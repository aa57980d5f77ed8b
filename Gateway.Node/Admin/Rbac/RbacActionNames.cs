namespace Gateway.Node.Admin.Rbac;

/// <summary>The names Kong gives <see cref="RbacActions"/> in the API and in its 403 message, and the action of each HTTP method.</summary>
public static class RbacActionNames
{
    /// <summary>Each single action with its name, in the order Kong renders an <c>actions</c> array.</summary>
    public static IReadOnlyList<(RbacActions Action, string Name)> Each { get; } =
        [(RbacActions.Delete, "delete"), (RbacActions.Create, "create"), (RbacActions.Update, "update"), (RbacActions.Read, "read")];

    /// <summary>The action an Admin API request with <paramref name="method"/> asks for (GET, HEAD, OPTIONS read; POST create; PUT, PATCH update; DELETE delete).</summary>
    public static RbacActions ForMethod(string method) => method switch
    {
        "GET" or "HEAD" or "OPTIONS" => RbacActions.Read,
        "POST" => RbacActions.Create,
        "PUT" or "PATCH" => RbacActions.Update,
        "DELETE" => RbacActions.Delete,
        _ => RbacActions.None,
    };

    /// <summary>The name of a single action ("read"), as the 403 message quotes it.</summary>
    public static string Name(RbacActions action) => Each.First(e => e.Action == action).Name;
}
