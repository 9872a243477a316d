namespace MlOps.Registry.Data;

/// <summary>One move of a model's champion alias: who, when, from which version to which, and why. Only ever appended.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public required string Model { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Who { get; set; }
    /// <summary><c>gate</c> (promoted by the gate), <c>promote</c> or <c>rollback</c> (by a person).</summary>
    public required string Action { get; set; }
    public int? FromVersion { get; set; }
    public int ToVersion { get; set; }
    public required string Reason { get; set; }
}
