extern alias ProtoNet;
using Gateway.Schema;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ParsedFile = ProtoNet::Google.Protobuf.Reflection.FileDescriptorProto;
using ParsedSet = ProtoNet::Google.Protobuf.Reflection.FileDescriptorSet;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// A .proto file compiled into descriptors, as Kong's kong/tools/grpc.lua <c>each_method</c>: parsed with
/// protobuf-net's .proto parser (imports from the file's folder; google/api and google/protobuf from the
/// parser's own copies, so no network and no system include folder is needed), then built into Google.Protobuf
/// descriptors with the <c>google.api.http</c> method option readable. Made once per config version.
/// </summary>
public sealed class ProtoFile
{
    private static readonly ExtensionRegistry Extensions = [AnnotationsExtensions.Http];

    private ProtoFile(IReadOnlyList<ServiceMethod> methods) => Methods = methods;

    /// <summary>The methods of the file's services (and of its public imports', as Kong's recursion), each with its gRPC path.</summary>
    public IReadOnlyList<ServiceMethod> Methods { get; }

    /// <summary>Compiles the file at <paramref name="path"/>; throws <see cref="InvalidDataException"/> saying why it cannot.</summary>
    public static ProtoFile Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidDataException($"cannot read the .proto file '{path}': no such file");
        }

        var folder = Path.GetDirectoryName(full)!;
        var set = new ParsedSet();
        set.AddImportPath(folder);
        var name = Path.GetFileName(full);
        if (!set.Add(name, includeInOutput: true))
        {
            throw new InvalidDataException($"cannot read the .proto file '{path}'");
        }

        set.Process();
        if (set.GetErrors().FirstOrDefault(e => e.IsError) is { } error)
        {
            throw new InvalidDataException($"cannot parse the .proto file '{path}': {error.File} line {error.LineNumber}: {error.Message}");
        }

        var built = FileDescriptor.BuildFromByteStrings(InDependencyOrder(set.Files).Select(f => Serialize(f, folder)), Extensions);
        var main = built.Single(f => f.Name == name);
        var methods = new List<ServiceMethod>();
        AddMethods(main, methods, []);
        return new ProtoFile(methods);
    }

    /// <summary>
    /// The plugins' <c>proto</c> field: a path to a .proto file, checked by compiling it, so a file that is missing
    /// or does not parse is refused when the plugin is configured (Kong finds out on the first request).
    /// </summary>
    public static Field Field(string description) =>
        Typedefs.String("proto", null) with { Custom = Typedefs.StringCheck(Check), Description = description };

    /// <summary>Null when the file compiles, else why not.</summary>
    public static string? Check(string path)
    {
        try
        {
            Load(path);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    private static void AddMethods(FileDescriptor file, List<ServiceMethod> methods, HashSet<string> seen)
    {
        if (!seen.Add(file.Name))
        {
            return;
        }

        foreach (var dependency in file.PublicDependencies)
        {
            AddMethods(dependency, methods, seen);
        }

        foreach (var service in file.Services)
        {
            foreach (var method in service.Methods)
            {
                methods.Add(new ServiceMethod($"/{service.FullName}/{method.Name}", method));
            }
        }
    }

    /// <summary>Google.Protobuf builds a file only after the files it imports.</summary>
    private static List<ParsedFile> InDependencyOrder(List<ParsedFile> files)
    {
        var byName = files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var ordered = new List<ParsedFile>(files.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Visit(ParsedFile file)
        {
            if (!visited.Add(file.Name))
            {
                return;
            }

            foreach (var dependency in file.Dependencies)
            {
                if (byName.TryGetValue(dependency, out var imported))
                {
                    Visit(imported);
                }
            }

            ordered.Add(file);
        }

        files.ForEach(Visit);
        return ordered;
    }

    /// <summary>
    /// The file as Google.Protobuf reads it, with each rpc's <c>google.api.http</c> option read again from the source by
    /// <see cref="HttpRuleReader"/> (protobuf-net's value merges sibling additional_bindings into one).
    /// </summary>
    private static ByteString Serialize(ParsedFile file, string folder)
    {
        using var bytes = new MemoryStream();
        ProtoBuf.Serializer.Serialize(bytes, file);
        var serialized = ByteString.CopyFrom(bytes.GetBuffer(), 0, (int)bytes.Length);
        var source = Path.Combine(folder, file.Name);
        if (file.Services.Count == 0 || !File.Exists(source))
        {
            return serialized; // the parser's own google/* copies declare no services
        }

        var rules = HttpRuleReader.Read(File.ReadAllText(source));
        var proto = FileDescriptorProto.Parser.WithExtensionRegistry(Extensions).ParseFrom(serialized);
        foreach (var service in proto.Service)
        {
            foreach (var method in service.Method)
            {
                if (rules.TryGetValue((service.Name, method.Name), out var rule))
                {
                    (method.Options ??= new MethodOptions()).SetExtension(AnnotationsExtensions.Http, rule);
                }
            }
        }

        return proto.ToByteString();
    }
}
