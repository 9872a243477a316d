using System.Text.Json;

namespace MlOps.Tests.AppHost;

internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
