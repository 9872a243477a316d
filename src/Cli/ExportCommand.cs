using System.CommandLine;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Onnx;

namespace MlOps.Cli;

/// <summary><c>mlops export</c>: write a saved model as ONNX, for any .NET, Python, JavaScript or C++ app with an ONNX runtime.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model artifact (.mlm).", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX model (.onnx).", Required = true };
        var command = new Command("export", "Export a saved model (any trainer) as ONNX; see docs/model-format.md for its inputs and outputs.") { model, onnx };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            if (!File.Exists(path)) throw new CliException($"Model file '{path}' does not exist.");
            TrainedModel m;
            using (var s = File.OpenRead(path)) m = ModelArtifact.Read(s);
            byte[] bytes;
            try { bytes = OnnxExport.ToBytes(m); }
            catch (NotSupportedException e) { throw new CliException($"Cannot export '{path}' to ONNX: {e.Message}"); }
            var outPath = parse.GetValue(onnx)!;
            File.WriteAllBytes(outPath, bytes);
            var outputs = m.Task == TaskKind.Regression
                ? $"{OnnxExport.ValueName} float [N, 1]"
                : $"{OnnxExport.LabelName} string [N], {OnnxExport.ProbabilitiesName} float [N, {m.Info.Classes.Count}] ({string.Join(", ", m.Info.Classes)})";
            var timestamps = m.InputSchema.Where(c => c.Type == Learning.Data.ColumnType.Timestamp).Select(c => c.Name).ToArray();
            var extra = timestamps.Length == 0 ? "" : $", {OnnxExport.TimestampsName} double [N, {timestamps.Length}] ({string.Join(", ", timestamps)}, Unix seconds)";
            parse.InvocationConfiguration.Output.WriteLine(
                $"ONNX model written to {outPath} ({bytes.Length:N0} bytes): input {OnnxExport.InputName} float [N, {m.Transforms.InputCount}] ({string.Join(", ", m.InputSchema.Select(c => c.Name))}){extra}; outputs {outputs}");
            return 0;
        });
        return command;
    }
}
