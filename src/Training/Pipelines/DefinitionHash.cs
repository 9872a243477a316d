using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MlOps.Training.Pipelines;

public static class DefinitionHash
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The canonical JSON of a definition: every default filled in, fields in declaration order, hyperparameters sorted.</summary>
    public static string CanonicalJson(PipelineDefinition definition) => JsonSerializer.Serialize(definition, Json);

    /// <summary><c>sha256:</c> over the canonical JSON, so a definition and a copy of it with defaults spelled out share a hash.</summary>
    public static string Of(PipelineDefinition definition) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson(definition))));
}
