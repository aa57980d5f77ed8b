using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>
/// Kong's transient <c>snis</c> attribute of certificates (kong/db/dao/certificates.lua): a sorted
/// list of SNI names written along with the certificate and returned with it, and SNI names accepted
/// in place of the certificate id in <c>/certificates/{sni}</c>. Every name is checked before anything
/// is written, so a refused request leaves nothing behind.
/// </summary>
public sealed class CertificateSnis(SchemaRegistry registry, IConfigReader reader, ClusterConfigWriter writer, SchemaValidator validator)
{
    private const string Field = "snis";

    /// <summary>Whether the entity has the <c>snis</c> attribute.</summary>
    public static bool AppliesTo(EntitySchema schema) => schema.Name == "certificates";

    /// <summary>
    /// Removes <c>snis</c> from the request body and checks it: null when absent, empty for a JSON null;
    /// otherwise valid, distinct names, none held by another certificate, sorted as Kong returns them.
    /// </summary>
    public async Task<IReadOnlyList<string>?> TakeAsync(JsonObject body, string? certificateId)
    {
        if (!body.Remove(Field, out var value))
        {
            return null;
        }

        var names = Parse(value);
        var schema = registry.Get("snis");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                throw Violation($"{name} is duplicated");
            }

            var errors = new ValidationErrors();
            var probe = new JsonObject { ["name"] = name, ["certificate"] = new JsonObject { ["id"] = Guid.Empty.ToString() } };
            if (validator.Validate(schema, probe, null, errors) is null)
            {
                throw Violation($"{name}: {errors.ToMessage()}");
            }

            if (await reader.GetByFieldAsync("snis", "name", name) is { } taken && CertificateOf(taken) != certificateId)
            {
                throw Violation($"{name} already associated with existing certificate '{CertificateOf(taken)}'");
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Makes the certificate's SNIs exactly <paramref name="names"/>: adds the new ones, removes the others.</summary>
    public async Task ReplaceAsync(string certificateId, IReadOnlyList<string> names)
    {
        var current = await ListAsync(certificateId);
        foreach (var name in names.Except(current.Select(NameOf), StringComparer.Ordinal))
        {
            var row = validator.Validate(registry.Get("snis"),
                new JsonObject { ["name"] = name, ["certificate"] = new JsonObject { ["id"] = certificateId } }, null, new ValidationErrors())!;
            WriteRefusals.ThrowIfRefused(await writer.InsertAsync("snis", row));
        }

        foreach (var stale in current.Where(s => !names.Contains(NameOf(s), StringComparer.Ordinal)))
        {
            WriteRefusals.ThrowIfRefused(await writer.DeleteAsync("snis", stale["id"]!.GetValue<string>()));
        }
    }

    /// <summary>Deletes every SNI of the certificate, as Kong does before deleting the certificate itself.</summary>
    public async Task DeleteAllAsync(string certificateId)
    {
        foreach (var sni in await ListAsync(certificateId))
        {
            WriteRefusals.ThrowIfRefused(await writer.DeleteAsync("snis", sni["id"]!.GetValue<string>()));
        }
    }

    /// <summary>A copy of the certificate with its sorted SNI names under <c>snis</c>.</summary>
    public async Task<JsonObject> WithSnisAsync(JsonObject certificate)
    {
        var names = (await ListAsync(certificate["id"]!.GetValue<string>())).Select(NameOf).Order(StringComparer.Ordinal);
        var shown = (JsonObject)certificate.DeepClone();
        shown[Field] = new JsonArray([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);
        return shown;
    }

    /// <summary>The certificate an SNI name belongs to, for <c>/certificates/{sni}</c>.</summary>
    public async Task<JsonObject?> FindBySniAsync(string name) =>
        await reader.GetByFieldAsync("snis", "name", name) is { } sni
            ? await reader.GetAsync("certificates", CertificateOf(sni)!)
            : null;

    private async Task<List<JsonObject>> ListAsync(string certificateId)
    {
        var all = new List<JsonObject>();
        string? offset = null;
        do
        {
            var page = await reader.ListAsync("snis", new ListQuery(1000, offset, null, "certificate", certificateId));
            all.AddRange(page.Data);
            offset = page.Offset;
        }
        while (offset is not null);
        return all;
    }

    /// <summary>An array of strings, a single string (a form field), or null for none.</summary>
    private static List<string> Parse(JsonNode? value) => value switch
    {
        null => [],
        JsonArray array when array.All(e => e?.GetValueKind() == JsonValueKind.String) => [.. array.Select(e => e!.GetValue<string>())],
        JsonValue single when single.GetValueKind() == JsonValueKind.String => [single.GetValue<string>()],
        _ => throw Violation("expected an array of strings"),
    };

    private static AdminException Violation(string message) =>
        AdminException.Kong(KongError.SchemaViolation, $"schema violation ({Field}: {message})", new JsonObject { [Field] = message });

    private static string NameOf(JsonObject sni) => sni["name"]!.GetValue<string>();

    private static string? CertificateOf(JsonObject sni) => sni["certificate"]?["id"]?.GetValue<string>();
}
