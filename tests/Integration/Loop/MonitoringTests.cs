using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Monitoring as a process on the real broker and database: a champion trained on Seattle's weather, prediction logs
/// written in the documented format, drift windows, debounce, performance from feedback, the report and the webhook.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class MonitoringTests(InfrastructureFixture infra, MonitoringFixture fixture) : IClassFixture<MonitoringFixture>
{
    static async Task<JsonElement> DriftAsync(MonitoringServices m, string model, Func<JsonElement, bool> done) =>
        await LoopData.PollAsync(m.Monitoring.Client, $"models/{model}/drift", done, seconds: 30);

    /// <summary>Defines the pipeline, announces the trained model and promotes it as v1, then waits until Monitoring follows it.</summary>
    static async Task StartModelAsync(MonitoringServices m, string model, int windowRows, int cooldownSeconds, string? webhook = null)
    {
        await m.Bus.Publish(MonitoringData.Pipeline(model, windowRows, cooldownSeconds, webhook));
        await m.Bus.Publish(MonitoringData.ModelTrained(model));
        await m.Bus.Publish(MonitoringData.Promoted(model, 1));
        await DriftAsync(m, model, d => d.GetProperty("championVersion").ValueKind == JsonValueKind.Number
            && d.GetProperty("openWindow").GetProperty("windowRows").GetInt32() == windowRows);
    }

    static async Task<DriftDetected[]> DriftsOfAsync(MonitoringServices m, string model, int expected, int settleSeconds = 2)
    {
        await Eventually.UntilAsync(() => Task.FromResult(m.Drifts.Count(d => d.Model == model) >= expected), TimeSpan.FromSeconds(30), $"{expected} DriftDetected for {model}");
        await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        return [.. m.Drifts.Where(d => d.Model == model)];
    }

    [Fact]
    public async Task Seattle_rows_do_not_drift_New_York_rows_raise_one_DriftDetected_and_the_cooldown_holds_the_next()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("weather");
        await StartModelAsync(m, model, windowRows: 500, cooldownSeconds: 3600);

        // Seattle across its four years, in two logs that share one window.
        var seattle = MonitoringData.Rows("Seattle", 1, 2, 500);
        await m.LogAsync(model, 1, seattle[..300]);
        await m.LogAsync(model, 1, seattle[300..]);
        var first = await DriftAsync(m, model, d => d.GetProperty("windows").GetArrayLength() == 1);
        var w1 = first.GetProperty("windows")[0];
        Assert.Equal(500, w1.GetProperty("rows").GetInt64());
        Assert.False(w1.GetProperty("driftDetected").GetBoolean(), w1.ToString());
        Assert.Equal(MonitoringData.Features, w1.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("feature").GetString()));
        Assert.All(w1.GetProperty("features").EnumerateArray(), f => Assert.Equal("wasserstein", f.GetProperty("test").GetString()));
        Assert.Equal("jensenshannon", w1.GetProperty("prediction").GetProperty("test").GetString());

        // New York: two full windows, both drifted; the second is within the hour's cooldown.
        var newYork = MonitoringData.Rows("New York", 0, 1, 1000);
        await m.LogAsync(model, 1, newYork[..700]);
        await m.LogAsync(model, 1, newYork[700..]);
        var drift = await DriftAsync(m, model, d => d.GetProperty("windows").GetArrayLength() == 3);
        var windows = drift.GetProperty("windows").EnumerateArray().ToList();
        Assert.All(windows[1..], w => Assert.True(w.GetProperty("driftDetected").GetBoolean(), w.ToString()));
        Assert.Equal("published", windows[1].GetProperty("outcome").GetString());
        Assert.Equal("cooldown", windows[2].GetProperty("outcome").GetString());

        var detected = Assert.Single(await DriftsOfAsync(m, model, 1));
        Assert.Equal(1, detected.Version);
        Assert.Equal(500, detected.WindowRows);
        Assert.True(detected.DriftShare >= 0.5, $"share {detected.DriftShare}");
        Assert.Equal([.. MonitoringData.Features, "prediction"], detected.Features.Select(f => f.Feature));
        Assert.Contains(detected.Features, f => f.Feature == "temp_min" && f.Drifted && f.Test == "wasserstein" && f.Score > f.Threshold && f.Threshold == 0.1);

        // The report a person reads.
        var report = await m.Monitoring.Client.GetAsync($"models/{model}/drift/report");
        Assert.Equal("text/html", report.Content.Headers.ContentType!.MediaType);
        var html = await report.Content.ReadAsStringAsync();
        Assert.Contains("<svg", html);
        Assert.Contains("temp_min", html);
        Assert.Contains("Dataset drift", html);
        Assert.DoesNotContain("<script", html);
        var firstReport = await m.Monitoring.Client.GetStringAsync($"models/{model}/drift/report?window=1");
        Assert.Contains("No dataset drift", firstReport);
    }

    [Fact]
    public async Task Feedback_joins_labels_to_predictions_and_performance_is_reported_per_window_against_the_holdout()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("perf");
        await StartModelAsync(m, model, windowRows: 200, cooldownSeconds: 0);
        var rows = MonitoringData.Rows("Seattle", 0, 3, 200);
        // Half the labels arrive before the predictions are logged, half after: both join.
        await m.Bus.Publish(new FeedbackReceived(model, [.. rows[..100].Select(r => new FeedbackItem(r.Id, r.Truth))], Guid.NewGuid(), DateTimeOffset.UtcNow));
        await Task.Delay(500);
        await m.LogAsync(model, 1, rows);
        await DriftAsync(m, model, d => d.GetProperty("windows").GetArrayLength() == 1);
        await m.Bus.Publish(new FeedbackReceived(model, [.. rows[100..].Select(r => new FeedbackItem(r.Id, r.Truth))], Guid.NewGuid(), DateTimeOffset.UtcNow));

        var expected = rows.Count(r => r.Prediction == r.Truth) / 200.0;
        var performance = await LoopData.PollAsync(m.Monitoring.Client, $"models/{model}/performance",
            p => p.GetProperty("windows").GetArrayLength() == 1 && p.GetProperty("windows")[0].GetProperty("labelled").GetInt64() == 200, seconds: 30);
        Assert.Equal("accuracy", performance.GetProperty("metric").GetString());
        Assert.Equal(MonitoringData.Model.Metrics["accuracy"], performance.GetProperty("holdout").GetDouble(), 9);
        var w = performance.GetProperty("windows")[0];
        Assert.Equal(expected, w.GetProperty("value").GetDouble(), 9);
        Assert.Equal(expected - MonitoringData.Model.Metrics["accuracy"], w.GetProperty("change").GetDouble(), 9);
    }

    [Fact]
    public async Task Thirty_logs_of_one_model_at_once_are_counted_into_windows_exactly()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("race");
        await StartModelAsync(m, model, windowRows: 100, cooldownSeconds: 0);
        var rows = MonitoringData.Rows("Seattle", 0, 1, 510);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => m.LogAsync(model, 1, rows.GetRange(i * 17, 17))));

        var drift = await DriftAsync(m, model, d => d.GetProperty("windows").GetArrayLength() == 5 && d.GetProperty("openWindow").GetProperty("rows").GetInt64() == 10);
        Assert.Equal([1, 2, 3, 4, 5], drift.GetProperty("windows").EnumerateArray().Select(w => w.GetProperty("window").GetInt32()));
        Assert.All(drift.GetProperty("windows").EnumerateArray(), w => Assert.Equal(100, w.GetProperty("rows").GetInt64()));
        // Nothing more arrives later: no row was counted twice.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var settled = await m.Monitoring.Client.GetFromJsonAsync<JsonElement>($"models/{model}/drift");
        Assert.Equal(5, settled.GetProperty("windows").GetArrayLength());
        Assert.Equal(6, settled.GetProperty("openWindow").GetProperty("window").GetInt32());
        Assert.Equal(10, settled.GetProperty("openWindow").GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task A_promotion_starts_windows_again_from_the_new_champion_and_late_logs_of_the_old_one_are_not_counted()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("promote");
        await StartModelAsync(m, model, windowRows: 100, cooldownSeconds: 0);
        var rows = MonitoringData.Rows("Seattle", 0, 2, 230);
        await m.LogAsync(model, 1, rows[..60]);
        await DriftAsync(m, model, d => d.GetProperty("openWindow").GetProperty("rows").GetInt64() == 60);

        var v2Hash = "sha256:" + new string('f', 64);
        await m.Bus.Publish(MonitoringData.ModelTrained(model, v2Hash));
        await m.Bus.Publish(MonitoringData.Promoted(model, 2, v2Hash));
        var reset = await DriftAsync(m, model, d => d.GetProperty("championVersion").GetInt32() == 2);
        Assert.Equal(0, reset.GetProperty("openWindow").GetProperty("rows").GetInt64());

        await m.LogAsync(model, 1, rows[60..130]);
        await m.LogAsync(model, 2, rows[130..230]);
        var drift = await DriftAsync(m, model, d => d.GetProperty("windows").GetArrayLength() == 1);
        var window = drift.GetProperty("windows")[0];
        Assert.Equal(2, window.GetProperty("version").GetInt32());
        Assert.Equal(100, window.GetProperty("rows").GetInt64());
        Assert.Equal(0, drift.GetProperty("openWindow").GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task The_webhook_receives_drift_promotion_and_training_failure_alerts_even_after_a_first_failure()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("hook");
        await StartModelAsync(m, model, windowRows: 300, cooldownSeconds: 0, webhook: m.Webhook.Url);
        await m.LogAsync(model, 1, MonitoringData.Rows("New York", 0, 1, 300));
        await m.Bus.Publish(new TrainingFailed(Guid.NewGuid(), model, "no rows", "manual", Guid.NewGuid(), DateTimeOffset.UtcNow));

        (string Event, JsonElement Body, int Status)[] Of(string name) => [.. m.Webhook.Received.Where(r => r.Event == name && r.Body.GetProperty("model").GetString() == model)];
        await Eventually.UntilAsync(() => Task.FromResult(new[] { "DriftDetected", "ModelPromoted", "TrainingFailed" }.All(e => Of(e).Any(r => r.Status == 200))),
            TimeSpan.FromSeconds(30), "every alert delivered");
        var drift = Of("DriftDetected");
        Assert.Equal([500, 200], drift.Select(r => r.Status));
        var message = drift[1].Body.GetProperty("message");
        Assert.Equal(1, message.GetProperty("version").GetInt32());
        Assert.Equal(5, message.GetProperty("features").GetArrayLength());
        Assert.True(message.GetProperty("driftShare").GetDouble() >= 0.5);
        Assert.Equal(2, Of("TrainingFailed").Length);
    }

    [Fact]
    public async Task DriftDetected_continues_the_trace_of_the_prediction_log_that_filled_its_window()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("trace");
        await StartModelAsync(m, model, windowRows: 300, cooldownSeconds: 0);
        using var source = new ActivitySource("MlOps.Tests.Monitoring");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MlOps.Tests.Monitoring" or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId trace;
        using (var serving = source.StartActivity("log predictions"))
        {
            trace = serving!.TraceId;
            await m.LogAsync(model, 1, MonitoringData.Rows("New York", 0, 1, 300));
        }
        await DriftsOfAsync(m, model, 1, settleSeconds: 0);

        await using var db = Npgsql.NpgsqlDataSource.Create(m.Database);
        await using var command = db.CreateCommand("""SELECT "TraceParent" FROM outbox_messages WHERE "MessageType" = 'MlOps.Contracts.DriftDetected' AND "Body"->>'model' = $1""");
        command.Parameters.AddWithValue(model);
        var parent = (string?)await command.ExecuteScalarAsync();
        Assert.True(ActivityContext.TryParse(parent, null, out var context), $"DriftDetected has no trace parent ({parent})");
        Assert.Equal(trace, context.TraceId);
    }

    [Fact]
    public async Task An_alert_to_a_webhook_that_keeps_failing_is_given_up_after_the_configured_attempts_and_kept_as_failed()
    {
        var m = await fixture.GetAsync(infra);
        var model = LoopData.Name("down");
        await StartModelAsync(m, model, windowRows: 100, cooldownSeconds: 0, webhook: m.Webhook.Url + "down/");
        await m.Bus.Publish(new TrainingFailed(Guid.NewGuid(), model, "no rows", "manual", Guid.NewGuid(), DateTimeOffset.UtcNow));

        await using var db = Npgsql.NpgsqlDataSource.Create(m.Database);
        await using var command = db.CreateCommand("""SELECT "Status", "Attempts", "LastError" FROM alerts WHERE "Model" = $1 AND "Event" = 'TrainingFailed'""");
        command.Parameters.AddWithValue(model);
        (string Status, int Attempts, string? Error) row = default;
        await Eventually.UntilAsync(async () =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync()) return false;
            row = (reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            return row.Status != "pending";
        }, TimeSpan.FromSeconds(30), "the alert given up");
        Assert.Equal(("failed", 4), (row.Status, row.Attempts));
        Assert.Contains("500", row.Error);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(4, m.Webhook.Received.Count(r => r.Event == "TrainingFailed" && r.Body.GetProperty("model").GetString() == model));
    }

    [Fact]
    public async Task Unknown_models_are_404_and_invalid_names_400_as_problem_json()
    {
        var m = await fixture.GetAsync(infra);
        foreach (var path in new[] { "drift", "drift/report", "performance" })
        {
            var missing = await m.Monitoring.Client.GetAsync($"models/{LoopData.Name("none")}/{path}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
            var invalid = await m.Monitoring.Client.GetAsync($"models/bad%20name!/{path}");
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType!.MediaType);
        }
    }
}
