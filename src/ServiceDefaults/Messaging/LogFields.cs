using System.Collections.Concurrent;
using System.Reflection;

namespace MlOps.ServiceDefaults.Messaging;

/// <summary>
/// The structured log fields of a message: its model, version, dataset, pipeline, batch, run and correlation id, where
/// the message has them. A consumer's logs carry them as a scope, so the dashboard's structured logs filter by model or
/// correlation id whatever the log line says.
/// </summary>
public static class LogFields
{
    static readonly string[] Names = ["Model", "Version", "Dataset", "Pipeline", "BatchId", "RunId", "CorrelationId"];
    static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static List<KeyValuePair<string, object?>> Of(object message, Guid? messageId)
    {
        var properties = Properties.GetOrAdd(message.GetType(), type =>
            [.. Names.Select(n => type.GetProperty(n, BindingFlags.Public | BindingFlags.Instance)).OfType<PropertyInfo>()]);
        var fields = new List<KeyValuePair<string, object?>>(properties.Length + 2)
        {
            new("MessageType", message.GetType().Name),
            new("MessageId", messageId),
        };
        foreach (var p in properties)
            if (p.GetValue(message) is { } value)
                fields.Add(new(p.Name, value));
        return fields;
    }
}
