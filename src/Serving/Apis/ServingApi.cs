using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MlOps.Contracts;
using MlOps.Serving.Data;
using MlOps.Serving.Logging;
using MlOps.Serving.Models;
using MlOps.Serving.Predictions;
using MlOps.ServiceDefaults.Http;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Serving.Apis;

public static class ServingApi
{
    public static IEndpointRouteBuilder MapServingApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Serving");
        models.MapPost("/{model}/predict", Predict)
            .WithDescription("Body {\"rows\": [{column: value, …}]} with values as JSON numbers, strings, booleans or null. Every input column of the champion "
                + "must be present; other properties are ignored. Answers the champion's predictions in row order, the version that made them and one "
                + "prediction id per row (for feedback). Every prediction is logged (docs/prediction-logs.md). At most Serving:MaxRowsPerRequest rows (default 1000).")
            .Accepts<PredictRequest>("application/json")
            .Produces<PredictResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        models.MapPost("/{model}/feedback", Feedback)
            .WithDescription("Body {\"items\": [{\"predictionId\": \"…\", \"label\": \"…\"}]}: the true labels of earlier predictions, published as FeedbackReceived.")
            .Accepts<FeedbackRequest>("application/json")
            .Produces<FeedbackAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        models.MapGet("/", ListModels)
            .WithDescription("Every model Serving knows: the champion served, a shadow version, and why a newer promotion is not served yet if one is not.")
            .Produces<List<ServedModelDto>>();
        models.MapGet("/{model}", GetModel)
            .WithDescription("What Serving serves for one model.")
            .Produces<ServedModelDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary><c>POST /bench/constant</c>: a constant JSON answer through the same host, for measuring the service against its bare framework.</summary>
    public static IEndpointRouteBuilder MapBenchmarkEndpoint(this IEndpointRouteBuilder app)
    {
        var body = """{"model":"constant","version":1,"predictions":[{"label":"sun"}]}"""u8.ToArray();
        app.MapPost("/bench/constant", () => TypedResults.Bytes(body, "application/json"))
            .WithTags("Benchmark")
            .WithDescription("Only mapped when Serving:BenchmarkEndpoint is true: answers a constant body without reading the request.");
        return app;
    }

    static async Task<IResult> Predict(string model, HttpRequest request, ServedModels models, PredictionLogQueue log, IOptions<ServingOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var slot = models.Find(model);
        // One read of the state: this request uses this champion and shadow to its end, whatever is swapped in meanwhile.
        var state = slot?.State;
        if (state?.Champion is not { } champion)
            return NoChampion(model, state);

        using var document = await JsonBody.ParseAsync(request, "the body", ct);
        var rows = ArrayProperty(document.RootElement, "rows", "The body must be {\"rows\": [{column: value, …}, …]}.");
        var count = rows.GetArrayLength();
        if (count == 0)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "No rows", "The body's rows array is empty: send at least one row.");
        var max = options.Value.MaxRowsPerRequest;
        if (count > max)
            throw new RequestProblemException(StatusCodes.Status413PayloadTooLarge, "Too many rows",
                $"The request holds {count} rows; at most {max} are accepted per request (Serving:MaxRowsPerRequest). Split the rows over several requests.");

        if (RowReader.Read(champion, rows, out var batch) is { } problem)
            return InvalidRow(model, champion, problem);
        var outputs = PredictAll(batch);
        var at = time.GetUtcNow();
        var ids = new Guid[count];
        for (var i = 0; i < ids.Length; i++)
            ids[i] = Guid.CreateVersion7(at);
        log.TryEnqueue(new LoggedPredictions(champion, Shadow: false, at, ids, batch, outputs));

        if (state.Shadow is { } shadow && slot!.SampleShadow(state.ShadowShare))
            PredictInShadow(slot, shadow, champion, rows, outputs, ids, at, log, options.Value.ShadowRegressionTolerance);

        var tags = new TagList { { "model", model }, { "version", champion.Version } };
        ServingTelemetry.Predictions.Add(count, tags);
        ServingTelemetry.Latency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        return new PredictResult(champion, ids, outputs);
    }

    static double[] PredictAll(RowBatch batch)
    {
        var model = batch.Model;
        var k = model.OutputCount;
        var outputs = new double[batch.Count * k];
        for (var r = 0; r < batch.Count; r++)
            model.Trained.Predict(batch.Row(r), outputs.AsSpan(r * k, k));
        return outputs;
    }

    /// <summary>The shadow version predicts the same rows under the same ids; its outputs are logged and compared, never returned.</summary>
    static void PredictInShadow(ModelSlot slot, LoadedModel shadow, LoadedModel champion, JsonElement rows, double[] championOutputs, Guid[] ids,
        DateTimeOffset at, PredictionLogQueue log, double tolerance)
    {
        if (RowReader.Read(shadow, rows, out var batch) is not null || shadow.IsRegression != champion.IsRegression)
        {
            // The candidate takes other columns than the champion: callers send the champion's, so it cannot be compared.
            ServingTelemetry.ShadowSkipped.Add(1, new("model", shadow.Model), new("version", shadow.Version));
            return;
        }
        var outputs = PredictAll(batch);
        var agreed = 0;
        int kc = champion.OutputCount, ks = shadow.OutputCount;
        for (var r = 0; r < ids.Length; r++)
        {
            var c = championOutputs.AsSpan(r * kc, kc);
            var s = outputs.AsSpan(r * ks, ks);
            var same = champion.IsRegression
                ? Math.Abs(c[0] - s[0]) <= tolerance * Math.Max(1, Math.Abs(c[0]))
                : champion.Classes[LoadedModel.ArgMax(c)] == shadow.Classes[LoadedModel.ArgMax(s)];
            if (same) agreed++;
        }
        slot.RecordShadow(ids.Length, agreed);
        ServingTelemetry.ShadowComparisons.Add(agreed, new("model", shadow.Model), new("version", shadow.Version), new("agreement", true));
        ServingTelemetry.ShadowComparisons.Add(ids.Length - agreed, new("model", shadow.Model), new("version", shadow.Version), new("agreement", false));
        log.TryEnqueue(new LoggedPredictions(shadow, Shadow: true, at, ids, batch, outputs));
    }

    static async Task<IResult> Feedback(string model, HttpRequest request, ServedModels models, ServingDbContext db, IOptions<ServingOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (models.Find(model) is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found",
                detail: $"Serving knows no model '{model}': feedback is taken for models that have been promoted.");
        using var document = await JsonBody.ParseAsync(request, "the body", ct);
        var items = ArrayProperty(document.RootElement, "items", "The body must be {\"items\": [{\"predictionId\": \"…\", \"label\": \"…\"}, …]}.");
        var count = items.GetArrayLength();
        if (count == 0)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "No items", "The body's items array is empty: send at least one item.");
        if (count > options.Value.MaxFeedbackItems)
            throw new RequestProblemException(StatusCodes.Status413PayloadTooLarge, "Too many items",
                $"The request holds {count} items; at most {options.Value.MaxFeedbackItems} are accepted per request (Serving:MaxFeedbackItems).");

        var parsed = new List<FeedbackItem>(count);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var (feedback, message) = FeedbackItemOf(item, i);
            if (feedback is null)
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid feedback item", detail: message,
                    extensions: new Dictionary<string, object?> { ["item"] = i });
            parsed.Add(feedback);
            i++;
        }
        var correlationId = Guid.NewGuid();
        db.AddEvent(new FeedbackReceived(model, parsed, correlationId, time.GetUtcNow()), correlationId, time);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null, new FeedbackAccepted(model, parsed.Count, correlationId));
    }

    static (FeedbackItem? Item, string Message) FeedbackItemOf(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return (null, $"Item {index} must be an object {{\"predictionId\": \"…\", \"label\": \"…\"}}.");
        if (!item.TryGetProperty("predictionId", out var id) || id.ValueKind != JsonValueKind.String || !id.TryGetGuid(out var predictionId))
            return (null, $"Item {index}: predictionId must be the prediction's id as returned by predict (a UUID string).");
        if (!item.TryGetProperty("label", out var label))
            return (null, $"Item {index}: label is missing.");
        var text = label.ValueKind switch
        {
            JsonValueKind.String => label.GetString(),
            JsonValueKind.Number when label.TryGetDouble(out var x) && double.IsFinite(x) => x.ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(text) || text.Length > 1000)
            return (null, $"Item {index}: label must be the true class (a non-empty string of at most 1000 characters) or the true value (a number).");
        return (new FeedbackItem(predictionId, text), "");
    }

    static IResult ListModels(ServedModels models) =>
        TypedResults.Ok(models.All.OrderBy(s => s.Model, StringComparer.Ordinal).Select(s => Dto(s, models.Find(s.Model)!)).ToList());

    static IResult GetModel(string model, ServedModels models)
    {
        var slot = models.Find(model);
        return slot is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found", detail: $"Serving knows no model '{model}'.")
            : TypedResults.Ok(Dto(slot.State, slot));
    }

    static ServedModelDto Dto(ServingState s, ModelSlot slot)
    {
        var (compared, agreed) = slot.ShadowAgreement;
        return new ServedModelDto(s.Model,
            s.Champion is { } c ? new ServedVersionDto(c.Version, c.ArtifactHash) : null, s.Applied?.At, s.Problem,
            s.Shadow is { } sh ? new ServedVersionDto(sh.Version, sh.ArtifactHash) : null, s.ShadowShare, compared, agreed);
    }

    static IResult NoChampion(string model, ServingState? state) => state?.Problem is { } problem
        ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Champion not loaded",
            detail: $"Model '{model}' has a champion, but it cannot be served yet: {problem}.")
        : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No champion",
            detail: $"Model '{model}' has no champion yet: Serving answers once the registry promotes a version of it.");

    static IResult InvalidRow(string model, LoadedModel champion, RowProblem problem) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid row", detail: problem.Message,
            extensions: new Dictionary<string, object?>
            {
                ["row"] = problem.Row,
                ["column"] = problem.Column,
                ["model"] = model,
                ["version"] = champion.Version,
            });

    static JsonElement ArrayProperty(JsonElement root, string name, string shape)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, $"Missing {name}", shape);
        return array;
    }
}
