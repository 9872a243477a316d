using System.Text.Json;

namespace MlOps.Serving.Apis;

/// <summary>Body of <c>POST /models/{model}/predict</c>: rows of column values (numbers, strings, booleans or null).</summary>
public sealed record PredictRequest(IReadOnlyList<Dictionary<string, JsonElement>> Rows);

/// <summary>One prediction: the label and each class's probability (classification), or the value (regression).</summary>
public sealed record PredictionDto(string? Label, IReadOnlyDictionary<string, double>? Probabilities, double? Value);

/// <summary>The predictions, in row order, the version that made them and one id per prediction (for feedback).</summary>
public sealed record PredictResponse(string Model, int Version, IReadOnlyList<PredictionDto> Predictions, IReadOnlyList<Guid> PredictionIds);

public sealed record FeedbackItemDto(Guid PredictionId, string Label);

/// <summary>Body of <c>POST /models/{model}/feedback</c>: the true label of predictions made earlier.</summary>
public sealed record FeedbackRequest(IReadOnlyList<FeedbackItemDto> Items);

public sealed record FeedbackAccepted(string Model, int Items, Guid CorrelationId);

public sealed record ServedVersionDto(int Version, string ArtifactHash);

/// <summary>What Serving serves for one model: its champion, the promotion that made it, a shadow version and how often it agreed.</summary>
public sealed record ServedModelDto(
    string Model,
    ServedVersionDto? Champion,
    DateTimeOffset? PromotedAt,
    string? Problem,
    ServedVersionDto? Shadow,
    double ShadowShare,
    long ShadowCompared,
    long ShadowAgreed);
