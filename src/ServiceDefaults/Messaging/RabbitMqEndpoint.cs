namespace MlOps.ServiceDefaults.Messaging;

/// <summary>The parts of an <c>amqp://user:pass@host:port/vhost</c> connection string.</summary>
public sealed record RabbitMqEndpoint(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static RabbitMqEndpoint Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "rabbitmq"))
            throw new InvalidOperationException($"ConnectionStrings:messaging must be an amqp:// URI (amqp://user:password@host:port/), got '{connectionString}'.");
        var user = "guest";
        var password = "guest";
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new RabbitMqEndpoint(uri.Host, (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port), vhost.Length == 0 ? "/" : vhost, user, password);
    }
}
