using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlOps.Tabular;

/// <summary>
/// A fast 64-bit hash for counting duplicate rows: eight bytes per 64×64→128-bit multiply, folded (the "mum" mix of
/// wyhash). 64 bits keep accidental collisions negligible among a million rows; the hash is not for adversarial input.
/// </summary>
public static class RowHash
{
    const ulong K0 = 0xa0761d6478bd642fUL, K1 = 0xe7037ed1a0b428dbUL, K2 = 0x8ebc6af09c88c6e3UL;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
    public static ulong Of(ReadOnlySpan<byte> data)
    {
        var h = K0 ^ (ulong)data.Length;
        while (data.Length >= 16)
        {
            h = Mum(BinaryPrimitives.ReadUInt64LittleEndian(data) ^ K1, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]) ^ h);
            data = data[16..];
        }
        ulong a = 0, b = 0;
        if (data.Length >= 8)
        {
            a = BinaryPrimitives.ReadUInt64LittleEndian(data);
            data = data[8..];
        }
        for (var i = 0; i < data.Length; i++)
            b |= (ulong)data[i] << (8 * i);
        h = Mum(a ^ K1 ^ h, b ^ K2);
        return Mum(h ^ K0, K2 ^ (ulong)data.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Mum(ulong a, ulong b)
    {
        var hi = Math.BigMul(a, b, out var lo);
        return hi ^ lo ^ BitOperations.RotateLeft(a, 17);
    }
}
