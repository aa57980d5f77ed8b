using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// Validates Admin API input against a schema and produces the complete entity to store, as Kong's
/// schema library does: unknown fields are refused, defaults and auto fields are filled, records
/// are merged on update, every field is present in the result (null when unset), and errors carry
/// Kong's messages.
/// </summary>
public sealed class SchemaValidator(SchemaRegistry registry, TimeProvider time)
{
    /// <summary>
    /// The input is config the node accepted before (a declarative file read at start-up): <see cref="Field.WriteCheck"/>
    /// rules are skipped.
    /// </summary>
    public bool SkipWriteChecks { get; init; }

    /// <summary>
    /// Validates <paramref name="input"/>. With <paramref name="existing"/> it is a partial update
    /// (PATCH) on top of that entity; without, a complete entity (POST, PUT).
    /// Returns the entity to store, or null with <paramref name="errors"/> filled.
    /// </summary>
    public JsonObject? Validate(EntitySchema schema, JsonObject input, JsonObject? existing, ValidationErrors errors)
    {
        input = ExpandShorthands(schema, input, errors);
        var ttlGiven = schema.Ttl && input.ContainsKey("ttl");
        var ttl = ttlGiven ? input["ttl"] : null;
        if (ttlGiven)
        {
            if (TtlOption.Error(ttl) is { } ttlError)
            {
                errors.Field("ttl", ttlError);
            }

            input = new JsonObject(input.Where(p => p.Key != "ttl").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        }

        var fields = ResolveFields(schema, input, existing, errors);
        var result = ProcessRecord(fields, input, existing, errors, topLevel: true);
        if (!errors.IsEmpty)
        {
            return null;
        }

        if (schema.Ttl)
        {
            result["ttl"] = TtlOption.Stored(ttlGiven, ttl, existing, result, time.GetUtcNow());
        }

        foreach (var check in schema.Checks)
        {
            check(result, errors);
        }

        if (errors.IsEmpty && schema.SubschemaKey is { } key && result[key]?.GetValue<string>() is { } name && registry.FindPlugin(name) is { } plugin)
        {
            foreach (var check in plugin.Checks)
            {
                check(result, errors);
            }
        }

        if (!errors.IsEmpty)
        {
            return null;
        }

        schema.OnWrite?.Invoke(result);
        return result;
    }

    /// <summary>Validates a value against a single field, for the <c>/schemas/.../validate</c> endpoints and plugins.</summary>
    public object? ValidateValue(Field field, JsonNode value) => CheckValue(field, value);

    private static JsonObject ExpandShorthands(EntitySchema schema, JsonObject input, ValidationErrors errors)
    {
        if (schema.Shorthands.Count == 0 || !schema.Shorthands.Keys.Any(input.ContainsKey))
        {
            return input;
        }

        var expanded = new JsonObject();
        foreach (var (key, value) in input)
        {
            if (schema.Shorthands.TryGetValue(key, out var expand))
            {
                if (value is null)
                {
                    continue;
                }

                if (value.GetValueKind() != JsonValueKind.String)
                {
                    errors.Field(key, "expected a string");
                    continue;
                }

                foreach (var (name, part) in expand(value))
                {
                    expanded[name] = part?.DeepClone();
                }
            }
            else if (!expanded.ContainsKey(key))
            {
                expanded[key] = value?.DeepClone();
            }
        }

        return expanded;
    }

    /// <summary>The schema's fields, with a plugin's <c>config</c> replaced by the named plugin's record.</summary>
    private IReadOnlyList<Field> ResolveFields(EntitySchema schema, JsonObject input, JsonObject? existing, ValidationErrors errors)
    {
        if (schema.SubschemaKey is not { } key || schema.SubschemaField is null)
        {
            return schema.Fields;
        }

        var selector = input[key] ?? existing?[key];
        if (selector is null || selector.GetValueKind() != JsonValueKind.String)
        {
            return schema.Fields;
        }

        var name = selector.GetValue<string>();
        if (registry.FindPlugin(name) is not { } plugin)
        {
            errors.Field(key, $"plugin '{name}' not enabled; add it to the 'plugins' configuration property");
            return schema.Fields;
        }

        // Kong's resolve_field: a field the plugin's subschema declares takes the place of the entity's (config,
        // protocols, a scope it forbids with eq = null).
        var own = plugin.Fields;
        return [.. schema.Fields.Select(f => own.FirstOrDefault(o => o.Name == f.Name) is not { } o ? f
            : f.Type == FieldType.Foreign ? f with { MustBeNull = o.MustBeNull }
            : o)];
    }

    private JsonObject ProcessRecord(IReadOnlyList<Field> fields, JsonObject input, JsonObject? existing, ValidationErrors errors, bool topLevel)
    {
        foreach (var (key, _) in input)
        {
            if (!fields.Any(f => f.Name == key))
            {
                errors.Field(key, "unknown field");
            }
        }

        // One clock reading per record, so an insert's created_at and updated_at are equal, as Kong's.
        var now = time.GetUtcNow();
        var result = new JsonObject();
        foreach (var field in fields)
        {
            // On insert, an auto field given as null (an "id": null) is generated as if it were left out, as
            // Kong's process_auto_fields does.
            var present = input.TryGetPropertyValue(field.Name, out var value) && !(value is null && field.Auto && existing is null);
            JsonNode? current = null;
            if (existing is not null && existing.TryGetPropertyValue(field.Name, out var old))
            {
                current = old?.DeepClone();
            }

            JsonNode? outcome;
            if (present)
            {
                outcome = field.Type == FieldType.Record && value is JsonObject patch && current is JsonObject currentRecord && existing is not null
                    ? MergeRecord(currentRecord, patch)
                    : value?.DeepClone();
            }
            else if (existing is not null)
            {
                outcome = current;
            }
            else
            {
                outcome = DefaultValue(field, topLevel, now);
            }

            if (topLevel && field.Timestamp && field.Name == "updated_at")
            {
                outcome = Timestamp(field, now);
            }

            if (outcome is null)
            {
                if (field.Required)
                {
                    errors.Field(field.Name, "required field missing");
                }

                result[field.Name] = null;
                continue;
            }

            if (field.Type == FieldType.Record && outcome is JsonObject record)
            {
                switch (CheckRecord(field, record, out var processed))
                {
                    case string message:
                        errors.Field(field.Name, message);
                        break;
                    case ValidationErrors nested:
                        errors.Nested(field.Name, nested);
                        break;
                }

                result[field.Name] = processed;
                continue;
            }

            switch (CheckValue(field, outcome))
            {
                case null when present && field.Encode is { } encode:
                    result[field.Name] = encode(outcome.GetValue<string>());
                    break;
                case null when field is { Type: FieldType.Array, Elements: { Type: FieldType.Record } elements } && outcome is JsonArray records:
                    // Kong fills the defaults of records in arrays too (a plugin's list of rules or backends).
                    result[field.Name] = new JsonArray([.. records.Select(e => ProcessElement(elements, e!))]);
                    break;
                case null:
                    result[field.Name] = Normalize(field, outcome);
                    break;
                case string message:
                    errors.Field(field.Name, message);
                    break;
                case IReadOnlyList<string?> elementErrors:
                    errors.Elements(field.Name, elementErrors);
                    break;
                case ValidationErrors nested:
                    errors.Nested(field.Name, nested);
                    break;
            }
        }

        return result;
    }

    private static JsonObject MergeRecord(JsonObject current, JsonObject patch)
    {
        var merged = (JsonObject)current.DeepClone();
        foreach (var (key, value) in patch)
        {
            merged[key] = value is JsonObject nestedPatch && merged[key] is JsonObject nestedCurrent
                ? MergeRecord(nestedCurrent, nestedPatch)
                : value?.DeepClone();
        }

        return merged;
    }

    private static JsonNode? DefaultValue(Field field, bool topLevel, DateTimeOffset now)
    {
        if (field.Default is not null)
        {
            return field.Default.DeepClone();
        }

        // A plugin config's auto string (oauth2's provision_key) is generated too, as Kong's process_auto_fields does.
        if (field.Auto && (topLevel || field.Type == FieldType.String))
        {
            // Kong: ids are dashed UUIDs; other generated strings (keys, secrets) are utils.random_string(), 32 hex digits.
            return field.Timestamp ? Timestamp(field, now) : JsonValue.Create(Guid.NewGuid().ToString(field.Uuid ? "D" : "N"));
        }

        // A record without a default is still built from its own fields' defaults, as Kong does for plugin configs.
        return field.Type == FieldType.Record && field.Required ? new JsonObject() : null;
    }

    private static JsonNode Timestamp(Field field, DateTimeOffset now) =>
        field.Milliseconds ? JsonValue.Create(now.ToUnixTimeMilliseconds() / 1000.0) : JsonValue.Create(now.ToUnixTimeSeconds());

    /// <summary>A valid record element of an array, with its fields' defaults and canonical forms.</summary>
    private JsonNode ProcessElement(Field elements, JsonNode element)
    {
        CheckRecord(elements, (JsonObject)element, out var processed);
        return processed;
    }

    /// <summary>Canonical stored form: sets lose duplicates, integral numbers are stored as integers.</summary>
    private static JsonNode Normalize(Field field, JsonNode value)
    {
        switch (field.Type)
        {
            case FieldType.Integer:
                return JsonValue.Create((long)JsonNumbers.ToDouble(value));
            case FieldType.Set when value is JsonArray array:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var unique = new JsonArray();
                foreach (var element in array)
                {
                    if (seen.Add(element?.ToJsonString() ?? "null"))
                    {
                        unique.Add(Normalize(field.Elements!, element!));
                    }
                }

                return unique;
            case FieldType.Array when value is JsonArray array:
                return new JsonArray([.. array.Select(e => Normalize(field.Elements!, e!))]);
            default:
                return value.DeepClone();
        }
    }

    /// <summary>A copy of the record with its deprecated names' values at their new paths (<see cref="Field.Moved"/>).</summary>
    private static JsonObject MoveDeprecated(Field field, JsonObject record)
    {
        if (field.Moved is not { } moved || !moved.Keys.Any(record.ContainsKey))
        {
            return record;
        }

        var copy = (JsonObject)record.DeepClone();
        foreach (var (name, path) in moved)
        {
            if (!copy.Remove(name, out var value) || value is null)
            {
                continue;
            }

            var parent = copy;
            for (var i = 0; i < path.Length - 1; i++)
            {
                if (parent[path[i]] is not JsonObject child)
                {
                    if (parent[path[i]] is not null)
                    {
                        // The record itself has a bad value there: its own error says so.
                        parent = null;
                        break;
                    }

                    child = [];
                    parent[path[i]] = child;
                }

                parent = child;
            }

            if (parent is not null && parent[path[^1]] is null)
            {
                parent[path[^1]] = value;
            }
        }

        return copy;
    }

    /// <summary>
    /// A record's fields, then its checks (Kong's entity_checks, errors under "@entity"), then its custom validator
    /// (Kong's custom_validator, whose message is the record's whole error): null, a message, or the nested errors.
    /// </summary>
    private object? CheckRecord(Field field, JsonObject record, out JsonObject processed)
    {
        var nested = new ValidationErrors();
        processed = ProcessRecord(field.Fields ?? [], MoveDeprecated(field, record), null, nested, topLevel: false);
        if (nested.IsEmpty)
        {
            foreach (var check in field.Checks ?? [])
            {
                check(processed, nested);
            }
        }

        return nested.IsEmpty ? field.Custom?.Invoke(processed) : nested;
    }

    /// <summary>
    /// Checks one non-null value; returns null, a message, element messages, or nested errors. A vault reference in a
    /// referenceable field is kept as given: its value is only known where it is used.
    /// </summary>
    private object? CheckValue(Field field, JsonNode value) =>
        field.MustBeNull ? "value must be null"
        : field.Referenceable && VaultReference.IsReference(value) ? null
        : CheckType(field, value) ?? (SkipWriteChecks ? null : field.WriteCheck?.Invoke(value));

    /// <summary>Checks one non-null value against the field's type and rules, <see cref="Field.Custom"/> last.</summary>
    private object? CheckType(Field field, JsonNode value)
    {
        var kind = value.GetValueKind();
        switch (field.Type)
        {
            case FieldType.String:
                if (kind != JsonValueKind.String)
                {
                    return "expected a string";
                }

                return CheckString(field, value.GetValue<string>()) ?? field.Custom?.Invoke(value);

            case FieldType.Integer or FieldType.Number:
                if (kind != JsonValueKind.Number)
                {
                    return field.Type == FieldType.Integer ? "expected an integer" : "expected a number";
                }

                var number = JsonNumbers.ToDouble(value);
                if (field.Type == FieldType.Integer && (number != Math.Floor(number) || double.IsInfinity(number)))
                {
                    return "expected an integer";
                }

                if (field.OneOf is { } numbers && !numbers.Contains(number.ToString(CultureInfo.InvariantCulture)))
                {
                    return $"expected one of: {string.Join(", ", numbers)}";
                }

                if (field.Between is { } range && (number < range.Min || number > range.Max))
                {
                    return $"value should be between {Format(range.Min)} and {Format(range.Max)}";
                }

                if (field.Gt is { } gt && number <= gt)
                {
                    return $"value must be greater than {Format(gt)}";
                }

                return field.Custom?.Invoke(value);

            case FieldType.Boolean:
                return kind is JsonValueKind.True or JsonValueKind.False ? field.Custom?.Invoke(value) : "expected a boolean";

            case FieldType.Array or FieldType.Set:
                if (value is not JsonArray array)
                {
                    return field.Type == FieldType.Array ? "expected an array" : "expected a set";
                }

                if (CheckLength(field, array.Count) is { } lengthError)
                {
                    return lengthError;
                }

                var elementErrors = new string?[array.Count];
                var failed = false;
                for (var i = 0; i < array.Count; i++)
                {
                    var element = array[i];
                    var error = element is null ? "required field missing" : CheckValue(field.Elements!, element);
                    if (error is not null)
                    {
                        elementErrors[i] = error as string ?? "invalid value";
                        failed = true;
                    }
                }

                if (failed)
                {
                    var last = Array.FindLastIndex(elementErrors, e => e is not null);
                    return elementErrors[..(last + 1)];
                }

                return field.Custom?.Invoke(value);

            case FieldType.Map:
                if (value is not JsonObject map)
                {
                    return "expected a map";
                }

                if (CheckLength(field, map.Count) is { } mapLengthError)
                {
                    return mapLengthError;
                }

                foreach (var (key, entry) in map)
                {
                    var keyError = field.Keys is null ? null : CheckValue(field.Keys, JsonValue.Create(key));
                    var valueError = entry is null ? "required field missing" : field.Values is null ? null : CheckValue(field.Values, entry);
                    if ((keyError ?? valueError) is { } mapError)
                    {
                        return mapError as string ?? "invalid value";
                    }
                }

                return field.Custom?.Invoke(value);

            case FieldType.Record:
                if (value is not JsonObject record)
                {
                    return "expected a record";
                }

                return CheckRecord(field, record, out _);

            case FieldType.Foreign:
                if (value is not JsonObject foreign)
                {
                    return "expected a record";
                }

                var foreignErrors = new ValidationErrors();
                foreach (var (key, _) in foreign)
                {
                    if (key != "id")
                    {
                        foreignErrors.Field(key, "unknown field");
                    }
                }

                if (foreign["id"] is not { } id)
                {
                    foreignErrors.Field("id", "missing primary key");
                }
                else if (id.GetValueKind() != JsonValueKind.String || !Typedefs.IsUuid(id.GetValue<string>()))
                {
                    foreignErrors.Field("id", "expected a valid UUID");
                }

                return foreignErrors.IsEmpty ? field.Custom?.Invoke(value) : foreignErrors;

            default:
                return null;
        }
    }

    private static string? CheckString(Field field, string text)
    {
        if (field.OneOf is { } options && !options.Contains(text))
        {
            return $"expected one of: {string.Join(", ", options)}";
        }

        if (field.Uuid && !Typedefs.IsUuid(text))
        {
            return "expected a valid UUID";
        }

        return CheckLength(field with { LenMin = field.LenMin ?? 1 }, text.Length)
            ?? (field.StartsWith is { } prefix && !text.StartsWith(prefix, StringComparison.Ordinal)
                ? $"should start with: {prefix}"
                : null);
    }

    private static string? CheckLength(Field field, int length)
    {
        if (field.LenMin is { } min && length < min)
        {
            return $"length must be at least {min}";
        }

        if (field.LenMax is { } max && length > max)
        {
            return $"length must be at most {max}";
        }

        return null;
    }

    private static string Format(double number) => number.ToString(CultureInfo.InvariantCulture);
}
