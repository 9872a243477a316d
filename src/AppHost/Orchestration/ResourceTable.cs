using System.Text;

namespace MlOps.AppHost.Orchestration;

/// <summary>Renders the resources as a plain-text table for the console.</summary>
public static class ResourceTable
{
    public static string Render(IReadOnlyList<ResourceSnapshot> resources)
    {
        string[] headers = ["RESOURCE", "TYPE", "STATE", "ENDPOINT"];
        var rows = resources
            .Select(r => new[] { r.Name, r.Type, r.State.ToString(), r.Endpoint })
            .ToList();
        var widths = headers
            .Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max())
            .ToArray();

        var text = new StringBuilder();
        void Row(string[] cells) =>
            text.AppendLine(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        Row(headers);
        Row(widths.Select(w => new string('-', w)).ToArray());
        rows.ForEach(Row);
        return text.ToString().TrimEnd();
    }
}
