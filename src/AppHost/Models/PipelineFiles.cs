using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlOps.AppHost.Models;

/// <summary>A pipeline kept as a file: its name (the file's <c>name</c> field, else the file name) and its definition.</summary>
public sealed record PipelineFile(string Name, string Path, JsonObject Definition);

/// <summary>
/// Pipelines as code: every <c>*.json</c> file in the folder <c>AppHost:Pipelines</c> names (default <c>pipelines/</c> in the
/// repository) is a model known before the platform starts. The AppHost declares a dashboard resource for each and
/// applies them to Training (<c>PUT /pipelines/{name}</c>) once it is healthy; Training checks every field.
/// </summary>
public static partial class PipelineFiles
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    public static IReadOnlyList<PipelineFile> Read(string? folder)
    {
        if (folder is null || !Directory.Exists(folder))
            return [];
        var files = new List<PipelineFile>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            JsonNode? node;
            try { node = JsonNode.Parse(File.ReadAllText(path)); }
            catch (System.Text.Json.JsonException e) { throw new InvalidOperationException($"Pipeline file {path} is not valid JSON: {e.Message}"); }
            if (node is not JsonObject definition)
                throw new InvalidOperationException($"Pipeline file {path} does not hold a pipeline definition (a JSON object).");
            var name = definition["name"] is JsonValue v && v.TryGetValue<string>(out var own) && own.Length > 0 ? own : System.IO.Path.GetFileNameWithoutExtension(path);
            if (!NamePattern().IsMatch(name))
                throw new InvalidOperationException($"Pipeline file {path} names the pipeline '{name}': use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
            if (files.Any(f => f.Name == name))
                throw new InvalidOperationException($"Pipeline files {files.First(f => f.Name == name).Path} and {path} both define '{name}'.");
            files.Add(new PipelineFile(name, path, definition));
        }
        return files;
    }
}
