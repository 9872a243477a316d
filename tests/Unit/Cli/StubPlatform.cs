using System.Net;
using System.Text;
using MlOps.Cli;

namespace MlOps.Tests.Unit.Cli;

/// <summary>An HTTP handler that answers the CLI's requests from canned responses and records what was asked.</summary>
sealed class StubPlatform : HttpMessageHandler
{
    readonly Dictionary<string, Func<HttpRequestMessage, string, HttpResponseMessage>> _routes = new(StringComparer.Ordinal);

    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    /// <summary>Answers <paramref name="method"/> on the absolute <paramref name="url"/> (without query) with a response.</summary>
    public StubPlatform On(string method, string url, Func<HttpRequestMessage, string, HttpResponseMessage> answer)
    {
        _routes[$"{method} {url}"] = answer;
        return this;
    }

    public StubPlatform OnJson(string method, string url, string json, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "application/json") =>
        On(method, url, (_, _) => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        var key = $"{request.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)}";
        if (_routes.TryGetValue(key, out var answer))
        {
            var response = answer(request, body);
            response.RequestMessage = request;
            return response;
        }
        throw new HttpRequestException($"Connection refused ({key})");
    }

    public static async Task<(int Code, string Out, string Err)> RunAsync(StubPlatform stub, IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Variable = name => variables.TryGetValue(name, out var value) ? value : null,
            Handler = stub,
            UserName = "ops-test",
        };
        var code = await CliApp.RunAsync(args, output, error, context);
        return (code, output.ToString(), error.ToString());
    }
}
