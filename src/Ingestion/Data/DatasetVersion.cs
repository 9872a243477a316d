using System.Security.Cryptography;
using System.Text;

namespace MlOps.Ingestion.Data;

/// <summary>
/// A dataset as of one accepted batch: the ordered content hashes of every batch accepted so far, and a hash over them,
/// so a model can name exactly the data it saw.
/// </summary>
public sealed class DatasetVersion
{
    public required string Dataset { get; set; }
    public int Number { get; set; }
    public required string Hash { get; set; }
    public List<string> BatchHashes { get; set; } = [];
    /// <summary>Each batch's row count, in the order of <see cref="BatchHashes"/>.</summary>
    public List<long> BatchRows { get; set; } = [];
    public long Rows { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><c>sha256:</c> over the batch hashes, one per line, in acceptance order.</summary>
    public static string HashOf(IEnumerable<string> batchHashes) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', batchHashes))));
}
