using System.Text;

namespace MlOps.Tabular;

/// <summary>Opens a batch's bytes as text: UTF-8 by default (a BOM dropped), UTF-16/32 when a byte order mark says so.</summary>
static class TextOpening
{
    public static StreamReader Open(Stream content)
    {
        var head = new byte[4];
        var n = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var whole = new HeadStream(head.AsMemory(0, n), content);
        // Letting the reader detect a UTF-8 BOM would swap in a decoder that silently replaces invalid bytes,
        // so only the other Unicode encodings are left to its detection; the CSV and NDJSON readers drop a UTF-8 BOM.
        return TabularScanner.IsOtherUnicodeBom(head.AsSpan(0, n))
            ? new StreamReader(whole, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024)
            : new StreamReader(whole, TabularScanner.StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
    }

    /// <summary>The bytes already read to look for a byte order mark, then the rest of the stream (left open).</summary>
    sealed class HeadStream(ReadOnlyMemory<byte> head, Stream rest) : ForwardOnlyStream
    {
        ReadOnlyMemory<byte> _head = head;

        public override int Read(Span<byte> buffer)
        {
            if (_head.IsEmpty)
                return rest.Read(buffer);
            var n = Math.Min(buffer.Length, _head.Length);
            _head.Span[..n].CopyTo(buffer);
            _head = _head[n..];
            return n;
        }
    }
}
