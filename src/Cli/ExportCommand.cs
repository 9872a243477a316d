using System.CommandLine;
using MlOps.Cli.Platform;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Onnx;

namespace MlOps.Cli;

/// <summary>
/// <c>mlops export</c>: write a model as ONNX, for any .NET, Python, JavaScript or C++ app with an ONNX runtime — a local
/// artifact converted here, or a platform version (<c>NAME@VERSION</c>, or <c>NAME</c> for its champion) from the Registry.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model artifact (.mlm), or a platform model NAME@VERSION (NAME alone: its champion).", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX model (.onnx).", Required = true };
        var json = PlatformCommand.JsonOption();
        var command = new Command("export", "Export a model (any trainer) as ONNX; see docs/model-format.md for its inputs and outputs.") { model, onnx, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var reference = ModelRef.Parse(run.Get(model));
            var outPath = run.Get(onnx);
            if (!reference.IsLocal)
                return await FromPlatformAsync(run, reference, outPath, run.Get(json));
            var path = reference.Path!;
            TrainedModel m;
            using (var s = File.OpenRead(path)) m = ModelArtifact.Read(s);
            byte[] bytes;
            try { bytes = OnnxExport.ToBytes(m); }
            catch (NotSupportedException e) { throw new CliException($"Cannot export '{path}' to ONNX: {e.Message}"); }
            await File.WriteAllBytesAsync(outPath, bytes, run.Cancellation);
            if (run.Get(json))
            {
                Output.Json(run.Out, new System.Text.Json.Nodes.JsonObject { ["model"] = path, ["onnx"] = outPath, ["bytes"] = bytes.Length });
                return 0;
            }
            var outputs = m.Task == TaskKind.Regression
                ? $"{OnnxExport.ValueName} float [N, 1]"
                : $"{OnnxExport.LabelName} string [N], {OnnxExport.ProbabilitiesName} float [N, {m.Info.Classes.Count}] ({string.Join(", ", m.Info.Classes)})";
            var timestamps = m.InputSchema.Where(c => c.Type == Learning.Data.ColumnType.Timestamp).Select(c => c.Name).ToArray();
            var extra = timestamps.Length == 0 ? "" : $", {OnnxExport.TimestampsName} double [N, {timestamps.Length}] ({string.Join(", ", timestamps)}, Unix seconds)";
            run.Out.WriteLine(
                $"ONNX model written to {outPath} ({bytes.Length:N0} bytes): input {OnnxExport.InputName} float [N, {m.Transforms.InputCount}] ({string.Join(", ", m.InputSchema.Select(c => c.Name))}){extra}; outputs {outputs}");
            return 0;
        });
        return command;
    }

    /// <summary>The Registry's <c>GET /models/{m}/versions/{v}/onnx</c>, built there from the hash-verified artifact.</summary>
    static async Task<int> FromPlatformAsync(Invocation run, ModelRef reference, string outPath, bool json)
    {
        var segment = PlatformCommand.Segment(reference.Name!);
        var version = reference.Version;
        if (version is null)
        {
            var summary = await run.Client.GetJsonAsync(PlatformService.Registry, $"models/{segment}", run.Cancellation);
            version = summary?["champion"]?["version"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var champion)
                ? champion
                : throw new CliException($"{reference.Name} has no champion: name the version, as in {reference.Name}@1.");
        }
        using var response = await run.Client.SendAsync(PlatformService.Registry, HttpMethod.Get, $"models/{segment}/versions/{version}/onnx", ct: run.Cancellation);
        var bytes = await response.Content.ReadAsByteArrayAsync(run.Cancellation);
        var hash = response.Headers.TryGetValues(ArtifactDownload.HashHeader, out var values) ? values.FirstOrDefault() : null;
        await File.WriteAllBytesAsync(outPath, bytes, run.Cancellation);
        if (json)
            Output.Json(run.Out, new System.Text.Json.Nodes.JsonObject
            {
                ["model"] = reference.Name, ["version"] = version, ["artifactHash"] = hash, ["onnx"] = outPath, ["bytes"] = bytes.Length,
            });
        else
            run.Out.WriteLine($"ONNX model of {reference.Name} v{version} (artifact {hash ?? "?"}) written to {outPath} ({bytes.Length:N0} bytes); see docs/model-format.md for its inputs and outputs");
        return 0;
    }
}
