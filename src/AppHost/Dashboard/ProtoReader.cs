namespace MlOps.AppHost.Dashboard;

/// <summary>
/// Walks the fields of one protobuf message. Length-delimited fields come back as their bytes; other wire types
/// are skipped and reported with an empty value. Malformed input ends the walk instead of throwing, because a
/// telemetry counter must never fail an export.
/// </summary>
public ref struct ProtoReader(ReadOnlySpan<byte> message)
{
    private ReadOnlySpan<byte> _rest = message;

    public bool Next(out int field, out ReadOnlySpan<byte> value)
    {
        value = default;
        field = 0;
        while (!_rest.IsEmpty)
        {
            if (!TryVarint(out var tag))
            {
                return Stop();
            }
            field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    if (!TryVarint(out _))
                    {
                        return Stop();
                    }
                    return true;
                case 1:
                    return Skip(8);
                case 2:
                    if (!TryVarint(out var length) || length > (ulong)_rest.Length)
                    {
                        return Stop();
                    }
                    value = _rest[..(int)length];
                    _rest = _rest[(int)length..];
                    return true;
                case 5:
                    return Skip(4);
                default:
                    return Stop();
            }
        }
        return false;
    }

    private bool Skip(int bytes)
    {
        if (_rest.Length < bytes)
        {
            return Stop();
        }
        _rest = _rest[bytes..];
        return true;
    }

    private bool Stop()
    {
        _rest = default;
        return false;
    }

    private bool TryVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && !_rest.IsEmpty; shift += 7)
        {
            var b = _rest[0];
            _rest = _rest[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }
        return false;
    }
}
