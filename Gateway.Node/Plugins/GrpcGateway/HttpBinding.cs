using System.Text;
using System.Text.RegularExpressions;
using Gateway.Node.Plugins.Grpc;
using Google.Api;

namespace Gateway.Node.Plugins.GrpcGateway;

/// <summary>
/// One <c>google.api.http</c> rule of a method (the rule or one of its additional_bindings), as Kong's deco.lua
/// reads them: an HTTP method, a path template compiled to a regex whose groups are the template's variables,
/// and the body mapping ("*", a field name, or none).
/// </summary>
public sealed partial class HttpBinding
{
    private readonly Regex _pattern;
    private readonly string[] _variables;

    private HttpBinding(string method, Regex pattern, string[] variables, ServiceMethod call, string? body)
    {
        Method = method;
        _pattern = pattern;
        _variables = variables;
        Call = call;
        Body = body;
    }

    /// <summary>The HTTP method, lower case.</summary>
    public string Method { get; }

    /// <summary>The gRPC method it calls.</summary>
    public ServiceMethod Call { get; }

    /// <summary>The body mapping: "*" (every field), a field name, or null (fields come from the query).</summary>
    public string? Body { get; }

    /// <summary>
    /// The bindings of a method's <c>google.api.http</c> option, the rule first, then each of its additional_bindings
    /// in order, depth first (Kong's fixtures nest them too); methods Kong does not serve (custom) are skipped.
    /// </summary>
    public static IEnumerable<HttpBinding> Of(ServiceMethod call)
    {
        if (call.Method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
        {
            yield break;
        }

        foreach (var binding in Flatten(rule))
        {
            var (method, template) = binding.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("get", binding.Get),
                HttpRule.PatternOneofCase.Post => ("post", binding.Post),
                HttpRule.PatternOneofCase.Put => ("put", binding.Put),
                HttpRule.PatternOneofCase.Patch => ("patch", binding.Patch),
                HttpRule.PatternOneofCase.Delete => ("delete", binding.Delete),
                _ => (null, null),
            };
            if (method is not null)
            {
                var variables = new List<string>();
                yield return new HttpBinding(method, Compile(template!, variables), [.. variables], call, binding.Body.Length > 0 ? binding.Body : null);
            }
        }
    }

    private static IEnumerable<HttpRule> Flatten(HttpRule rule) => [rule, .. rule.AdditionalBindings.SelectMany(Flatten)];

    /// <summary>The template's variables (field paths) and their values when <paramref name="path"/> matches; else null.</summary>
    public IEnumerable<(string Field, string Value)>? Match(string path)
    {
        var match = _pattern.Match(path);
        return match.Success ? _variables.Select((name, i) => (name, match.Groups[i + 1].Value)) : null;
    }

    /// <summary>
    /// Kong's translation of the template syntax: <c>{field}</c> and <c>{field=*}</c> match one segment,
    /// <c>**</c> any rest, other segments in a variable literally; the text around variables is literal.
    /// </summary>
    private static Regex Compile(string template, List<string> variables)
    {
        var regex = new StringBuilder("^");
        var last = 0;
        foreach (Match variable in Variable().Matches(template))
        {
            regex.Append(Regex.Escape(template[last..variable.Index]));
            variables.Add(variable.Groups[1].Value);
            var segments = variable.Groups[2].Success ? variable.Groups[2].Value : "*";
            regex.Append('(').Append(segments == "*" ? "[^/]+" : Regex.Escape(segments).Replace(@"\*\*", ".+").Replace(@"\*", "[^/]+")).Append(')');
            last = variable.Index + variable.Length;
        }

        regex.Append(Regex.Escape(template[last..])).Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    [GeneratedRegex(@"{([-_.~0-9a-zA-Z]+)=?((?:(?:\*|\*\*|[-_.~0-9a-zA-Z])/?)+)?}", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();
}
