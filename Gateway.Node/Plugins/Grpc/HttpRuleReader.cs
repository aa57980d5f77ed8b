using System.Collections;
using System.Text;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// Reads the <c>google.api.http</c> option of each rpc in a .proto source, each block of a repeated field a message
/// of its own, as protoc reads it. protobuf-net's parser flattens an option's aggregate value into one entry per
/// field path, so sibling <c>additional_bindings { ... }</c> blocks share a path, are merged into one binding, and
/// all but the last binding's pattern are lost without an error.
/// </summary>
internal static class HttpRuleReader
{
    /// <summary>The rules by service and rpc name (as declared, without the package).</summary>
    public static Dictionary<(string Service, string Method), HttpRule> Read(string source)
    {
        var tokens = new Tokens(source);
        var rules = new Dictionary<(string, string), HttpRule>();
        var depth = 0;
        (string Name, int Depth)? service = null;
        (string Name, int Depth)? rpc = null;
        while (tokens.Next() is { } token)
        {
            if (token.IsString)
            {
                continue;
            }

            switch (token.Text)
            {
                case "{":
                    depth++;
                    break;
                case "}":
                    depth--;
                    rpc = depth < rpc?.Depth ? null : rpc;
                    service = depth < service?.Depth ? null : service;
                    break;
                case "service" when depth == 0:
                    service = (tokens.Word(), 1);
                    break;
                case "rpc" when depth == service?.Depth:
                    rpc = (tokens.Word(), depth + 1);
                    break;
                case "option" when depth == rpc?.Depth && tokens.TryTake("(") && tokens.TryTake("google.api.http", ".google.api.http"):
                    tokens.Expect(")");
                    tokens.Expect("=");
                    tokens.Expect("{");
                    var rule = new HttpRule();
                    ReadFields(tokens, rule, "}");
                    rules[(service!.Value.Name, rpc.Value.Name)] = rule;
                    break;
            }
        }

        return rules;
    }

    /// <summary>Text-format fields up to <paramref name="close"/>: strings and messages, a message field's blocks each one more value.</summary>
    private static void ReadFields(Tokens tokens, IMessage message, string close)
    {
        while (!tokens.TryTake(close))
        {
            var name = tokens.Word();
            var field = message.Descriptor.FindFieldByName(name)
                ?? throw new InvalidDataException($"unknown field \"{name}\" in the option's {message.Descriptor.FullName}");
            if (field.FieldType == FieldType.Message)
            {
                tokens.TryTake(":");
                if (tokens.TryTake("["))
                {
                    do
                    {
                        Add(message, field, ReadMessage(tokens, field));
                    }
                    while (tokens.TryTake(","));
                    tokens.Expect("]");
                }
                else
                {
                    Add(message, field, ReadMessage(tokens, field));
                }
            }
            else if (field.FieldType == FieldType.String && !field.IsRepeated)
            {
                tokens.Expect(":");
                var value = new StringBuilder(tokens.String());
                while (tokens.Peek() is { IsString: true })
                {
                    value.Append(tokens.String()); // adjacent strings are one, as in C
                }

                Add(message, field, value.ToString());
            }
            else
            {
                throw new InvalidDataException($"field \"{name}\" of the option's {message.Descriptor.FullName} is not a string or a message");
            }

            _ = tokens.TryTake(",") || tokens.TryTake(";");
        }
    }

    private static IMessage ReadMessage(Tokens tokens, FieldDescriptor field)
    {
        var close = tokens.TryTake("<") ? ">" : "}";
        if (close == "}")
        {
            tokens.Expect("{");
        }

        var message = field.MessageType.Parser.ParseFrom(ByteString.Empty);
        ReadFields(tokens, message, close);
        return message;
    }

    private static void Add(IMessage message, FieldDescriptor field, object value)
    {
        if (field.IsRepeated)
        {
            ((IList)field.Accessor.GetValue(message)).Add(value);
        }
        else
        {
            field.Accessor.SetValue(message, value);
        }
    }

    private readonly record struct Token(string Text, bool IsString);

    /// <summary>The .proto lexer, as far as options need it: words, quoted strings (C escapes), one-character symbols; comments skipped.</summary>
    private sealed class Tokens(string text)
    {
        private int _at;
        private Token? _peeked;

        public Token? Peek() => _peeked ??= Read();

        public Token? Next()
        {
            var token = Peek();
            _peeked = null;
            return token;
        }

        public bool TryTake(params string[] symbols)
        {
            if (Peek() is { IsString: false } token && symbols.Contains(token.Text))
            {
                _peeked = null;
                return true;
            }

            return false;
        }

        public void Expect(string symbol)
        {
            if (!TryTake(symbol))
            {
                throw Unexpected($"'{symbol}'");
            }
        }

        public string Word() => Next() is { IsString: false } token && (char.IsLetter(token.Text[0]) || token.Text[0] is '_' or '.') ? token.Text : throw Unexpected("a name");

        public string String() => Next() is { IsString: true } token ? token.Text : throw Unexpected("a string");

        private InvalidDataException Unexpected(string expected) =>
            new($"expected {expected} in a google.api.http option, line {text[.._at].Count(c => c == '\n') + 1}");

        private Token? Read()
        {
            SkipSpaceAndComments();
            if (_at >= text.Length)
            {
                return null;
            }

            var start = _at;
            var c = text[_at];
            if (c is '"' or '\'')
            {
                return new Token(ReadString(c), true);
            }

            if (char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '+')
            {
                while (++_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '.'))
                {
                }

                return new Token(text[start.._at], false);
            }

            _at++;
            return new Token(c.ToString(), false);
        }

        private void SkipSpaceAndComments()
        {
            while (_at < text.Length)
            {
                if (char.IsWhiteSpace(text[_at]))
                {
                    _at++;
                }
                else if (text.AsSpan(_at).StartsWith("//"))
                {
                    var end = text.IndexOf('\n', _at);
                    _at = end < 0 ? text.Length : end + 1;
                }
                else if (text.AsSpan(_at).StartsWith("/*"))
                {
                    var end = text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                    _at = end < 0 ? text.Length : end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        private string ReadString(char quote)
        {
            var value = new StringBuilder();
            _at++;
            while (_at < text.Length && text[_at] != quote)
            {
                var c = text[_at++];
                if (c == '\n')
                {
                    break;
                }

                value.Append(c == '\\' && _at < text.Length ? Escape() : c);
            }

            if (_at >= text.Length || text[_at] != quote)
            {
                throw Unexpected("the end of a string");
            }

            _at++;
            return value.ToString();
        }

        private char Escape()
        {
            var c = text[_at++];
            switch (c)
            {
                case 'a': return '\a';
                case 'b': return '\b';
                case 'f': return '\f';
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'v': return '\v';
                case 'x' or 'X':
                    return (char)Digits(16, 2);
                case >= '0' and <= '7':
                    _at--;
                    return (char)Digits(8, 3);
                default:
                    return c;
            }
        }

        private int Digits(int radix, int most)
        {
            var start = _at;
            while (_at < text.Length && _at - start < most && Uri.IsHexDigit(text[_at]) && (radix == 16 || text[_at] <= '7'))
            {
                _at++;
            }

            return _at == start ? throw Unexpected("an escape's digits") : Convert.ToInt32(text[start.._at], radix);
        }
    }
}
