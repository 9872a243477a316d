namespace MlOps.Tests.Integration.Fuzz;

/// <summary>Every route of the six services (DESIGN §4) and the admin routes every service shares, as the fuzz test sends them.</summary>
static class FuzzRoutes
{
    static readonly string[] AdminQueries = ["state=failed", "state=pending", "state=bogus", "state=%00", "id=abc", "id=-1", "id=99999999999999999999", "max=0", "max=abc", "max=100001"];

    public static readonly FuzzRoute[] Admin =
    [
        new("GET", "/admin/outbox", Queries: AdminQueries),
        new("POST", "/admin/outbox/retry", Queries: AdminQueries),
        new("GET", "/admin/error-queues"),
        new("POST", "/admin/error-queues/{queue}/replay", Queries: AdminQueries),
        new("GET", "/{dataset}"),
        new("DELETE", "/models/{model}"),
        new("PATCH", "/datasets/{dataset}/batches", BodyKind.Csv),
    ];

    static readonly string[] Limits = ["limit=-1", "limit=0", "limit=abc", "limit=1e400", "limit=99999999999", "limit=10", "limit=%00"];

    public static IReadOnlyDictionary<string, FuzzRoute[]> ByService => new Dictionary<string, FuzzRoute[]>
    {
        ["Ingestion"] =
        [
            new("POST", "/datasets/{dataset}/batches", BodyKind.Csv),
            new("POST", "/datasets/{dataset}/batches", BodyKind.Ndjson),
            new("GET", "/datasets"),
            new("GET", "/datasets/{dataset}/batches"),
            new("GET", "/datasets/{dataset}/batches/{guid}"),
            new("GET", "/datasets/{dataset}/versions"),
            new("GET", "/datasets/{dataset}/versions/latest"),
            new("GET", "/datasets/{dataset}/versions/{int}"),
        ],
        ["Validation"] =
        [
            new("GET", "/datasets/{dataset}/schema"),
            new("PUT", "/datasets/{dataset}/schema", BodyKind.Schema),
            new("PUT", "/datasets/{dataset}/schema", BodyKind.Schema),
            new("GET", "/reports/{guid}"),
        ],
        ["Training"] =
        [
            new("PUT", "/pipelines/{name}", BodyKind.Pipeline),
            new("PUT", "/pipelines/{name}", BodyKind.Pipeline),
            new("GET", "/pipelines"),
            new("GET", "/pipelines/{name}"),
            new("POST", "/pipelines/{name}/runs"),
            new("GET", "/runs", Queries: ["pipeline=..%2f..%2fetc", "pipeline=%00", "pipeline=donn%C3%A9es", "status=bogus", "status=queued", .. Limits, "pipeline=ok&status=failed&limit=5"]),
            new("GET", "/runs/{guid}"),
            new("POST", "/runs/{guid}/reproduce"),
        ],
        ["Registry"] =
        [
            new("GET", "/models"),
            new("GET", "/models/{model}"),
            new("GET", "/models/{model}/versions"),
            new("GET", "/models/{model}/versions/{int}"),
            new("GET", "/models/{model}/versions/{int}/artifact"),
            new("GET", "/models/{model}/versions/{int}/onnx"),
            new("PUT", "/models/{model}/versions/{int}", BodyKind.Champion),
            new("DELETE", "/models/{model}/versions/{int}"),
            new("POST", "/models/{model}/aliases/champion", BodyKind.Champion),
            new("POST", "/models/{model}/aliases/champion", BodyKind.Champion),
            new("GET", "/models/{model}/audit"),
        ],
        ["Serving"] =
        [
            new("POST", "/models/{model}/predict", BodyKind.Predict),
            new("POST", "/models/{model}/predict", BodyKind.Predict),
            new("POST", "/models/{model}/predict", BodyKind.Predict),
            new("POST", "/models/{model}/feedback", BodyKind.Feedback),
            new("GET", "/models"),
            new("GET", "/models/{model}"),
        ],
        ["Monitoring"] =
        [
            new("GET", "/models/{model}/drift", Queries: Limits),
            new("GET", "/models/{model}/drift/report", Queries: ["window=-1", "window=abc", "window=1", "window=99999999999", "window=%00"]),
            new("GET", "/models/{model}/performance"),
        ],
    };
}
