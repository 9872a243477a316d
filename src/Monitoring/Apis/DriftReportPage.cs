using System.Globalization;
using System.Net;
using System.Text;
using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Apis;

/// <summary>The drift report: one self-contained HTML page (inline CSS and SVG, no scripts) a person reads.</summary>
public static class DriftReportPage
{
    static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    static string F(double v, string format = "0.####") => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Render(MonitoredModel model, DriftWindow? w)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Drift report: {E(model.Name)}</title>
            <style>
            body{"{"}font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:72rem{"}"}
            table{"{"}border-collapse:collapse{"}"} td,th{"{"}padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top{"}"}
            .drift{"{"}color:#b00020;font-weight:600{"}"} .ok{"{"}color:#1b5e20{"}"} .legend span{"{"}display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem{"}"}
            </style></head><body>
            <h1>Drift report: {E(model.Name)}</h1>
            """);
        if (w is null)
        {
            html.Append($"<p>No window has been evaluated yet: {model.OpenRows} of {model.WindowRows} rows of the current window (v{model.ChampionVersion?.ToString(CultureInfo.InvariantCulture) ?? "–"}) have arrived.</p></body></html>");
            return html.ToString();
        }
        var drifted = w.Features.Count(f => f.Drifted);
        html.Append($"""
            <p>Window {w.Window} of version {w.Version}: {w.Rows} predictions from {w.WindowStart:u} to {w.WindowEnd:u}, evaluated {w.EvaluatedAt:u}.</p>
            <p class="{(w.DriftDetected ? "drift" : "ok")}">{(w.DriftDetected ? "Dataset drift" : "No dataset drift")}: {drifted} of {w.Features.Count} features drifted
            (share {F(w.DriftShare, "0.00")}, threshold {F(model.DriftShare, "0.00")}){(w.Outcome == "cooldown" ? " — within the retrain cooldown, so no DriftDetected was published" : w.Outcome == "published" ? " — DriftDetected published" : "")}.</p>
            <p class="legend"><span style="background:#90a4ae"></span>reference (training)<span style="background:#ef6c00"></span>current window</p>
            <table><thead><tr><th>feature</th><th>test</th><th>score</th><th>threshold</th><th>verdict</th><th>PSI</th><th>distributions</th></tr></thead><tbody>
            """);
        foreach (var f in w.Features.Append(w.Prediction).OfType<FeatureVerdict>())
        {
            var pValue = f.Test is "ks" or "chi2" or "z";
            html.Append($"""
                <tr><td>{E(f.Feature)}</td><td>{E(f.Test)}</td><td>{F(f.Score, "0.####E+0")}</td><td>{(pValue ? "p &lt; " : "≥ ")}{F(f.Threshold)}</td>
                <td class="{(f.Drifted ? "drift" : "ok")}">{(f.Drifted ? "drifted" : "no drift")}</td><td>{F(f.Psi, "0.###")}</td><td>{Bars(f.Distribution)}</td></tr>
                """);
        }
        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }

    /// <summary>Paired horizontal bars per bin or category: reference share beside current share.</summary>
    static string Bars(Distribution d)
    {
        if (d.Labels.Count == 0) return "<em>no distribution</em>";
        const int Row = 18, LabelWidth = 150, BarWidth = 220;
        var max = Math.Max(d.Reference.DefaultIfEmpty(0).Max(), d.Current.DefaultIfEmpty(0).Max());
        if (max <= 0) max = 1;
        var height = d.Labels.Count * Row + 4;
        var svg = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{LabelWidth + BarWidth + 60}" height="{height}" role="img">""");
        for (var i = 0; i < d.Labels.Count; i++)
        {
            var y = i * Row + 2;
            var r = i < d.Reference.Count ? d.Reference[i] : 0;
            var c = i < d.Current.Count ? d.Current[i] : 0;
            svg.Append($"""
                <text x="0" y="{y + 12}" font-size="11">{E(Truncate(d.Labels[i]))}</text>
                <rect x="{LabelWidth}" y="{y}" width="{F(BarWidth * r / max, "0.#")}" height="7" fill="#90a4ae"><title>reference {F(r * 100, "0.#")}%</title></rect>
                <rect x="{LabelWidth}" y="{y + 8}" width="{F(BarWidth * c / max, "0.#")}" height="7" fill="#ef6c00"><title>current {F(c * 100, "0.#")}%</title></rect>
                <text x="{LabelWidth + BarWidth + 4}" y="{y + 12}" font-size="10">{F(r * 100, "0")}% / {F(c * 100, "0")}%</text>
                """);
        }
        return svg.Append("</svg>").ToString();
    }

    static string Truncate(string s) => s.Length <= 24 ? s : s[..23] + "…";
}
