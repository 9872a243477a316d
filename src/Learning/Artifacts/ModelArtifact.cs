using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MlOps.Learning.Artifacts;

/// <summary>
/// Reads and writes the versioned binary model format (docs/model-format.md): a header, typed sections,
/// and a SHA-256 trailer over everything before it. Data only, never code; the same model gives the same bytes.
/// </summary>
public static class ModelArtifact
{
    public static void Write(TrainedModel model, Stream stream)
    {
        var bytes = ToBytes(model);
        stream.Write(bytes);
    }

    public static byte[] ToBytes(TrainedModel model)
    {
        var sections = new List<(ArtifactFormat.Section, byte[])>
        {
            (ArtifactFormat.Section.Info, Encode(w => SectionWriter.Info(w, model.Info))),
            (ArtifactFormat.Section.Transforms, Encode(w => SectionWriter.Transforms(w, model.Transforms))),
            (ArtifactFormat.Section.Estimator, Encode(w => SectionWriter.Estimator(w, model.Estimator))),
            (ArtifactFormat.Section.Metrics, Encode(w => SectionWriter.Metrics(w, model.Metrics))),
            (ArtifactFormat.Section.Importance, Encode(w => SectionWriter.Importance(w, model.FeatureImportance))),
            (ArtifactFormat.Section.Profile, Encode(w => SectionWriter.Profile(w, model.Profile))),
            (ArtifactFormat.Section.DriftReference, Encode(w => SectionWriter.DriftReference(w, model.Profile))),
        };
        long payload = 0;
        foreach (var (_, b) in sections) payload += 8 + b.Length;
        var total = ArtifactFormat.HeaderSize + payload + ArtifactFormat.HashSize;
        var result = new byte[total];
        var span = result.AsSpan();
        ArtifactFormat.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], ArtifactFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)sections.Count);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], payload);
        var pos = ArtifactFormat.HeaderSize;
        foreach (var (kind, b) in sections)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[pos..], (ushort)kind);
            BinaryPrimitives.WriteInt32LittleEndian(span[(pos + 4)..], b.Length);
            b.CopyTo(span[(pos + 8)..]);
            pos += 8 + b.Length;
        }
        SHA256.HashData(span[..pos], span[pos..]);
        return result;
    }

    /// <summary>The artifact's content hash as <c>sha256:hex</c> (the hash stored in its trailer).</summary>
    public static string ContentHash(ReadOnlySpan<byte> artifact) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(artifact[..^ArtifactFormat.HashSize]));

    public static TrainedModel Read(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromBytes(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static TrainedModel FromBytes(ReadOnlySpan<byte> data)
    {
        if (data.Length < ArtifactFormat.HeaderSize || !data[..8].SequenceEqual(ArtifactFormat.Magic))
            throw new ModelFormatException("This is not an MlOps model artifact (bad magic bytes or too short).");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        if (version != ArtifactFormat.Version)
            throw new ModelFormatException($"Model format version {version} is not supported (this build reads version {ArtifactFormat.Version}).");
        var sectionCount = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        var payload = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
        if (payload < 0 || payload > ArtifactFormat.MaxPayload)
            throw new ModelFormatException($"The model artifact declares an invalid payload length ({payload}).");
        var expected = ArtifactFormat.HeaderSize + payload + ArtifactFormat.HashSize;
        if (data.Length < expected)
            throw new ModelFormatException($"The model artifact is truncated: {data.Length} bytes, the header declares {expected}.");
        if (data.Length > expected)
            throw new ModelFormatException($"The model artifact has {data.Length - expected} unexpected trailing bytes.");
        var body = data[..(int)(ArtifactFormat.HeaderSize + payload)];
        Span<byte> hash = stackalloc byte[ArtifactFormat.HashSize];
        SHA256.HashData(body, hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, data[body.Length..]))
            throw new ModelFormatException("The model artifact failed its SHA-256 check: it was modified or corrupted.");

        var sections = new Dictionary<ArtifactFormat.Section, byte[]>();
        var pos = ArtifactFormat.HeaderSize;
        for (var i = 0; i < sectionCount; i++)
        {
            if (pos + 8 > body.Length) throw new ModelFormatException("The model artifact's section table runs past its payload.");
            var kind = (ArtifactFormat.Section)BinaryPrimitives.ReadUInt16LittleEndian(body[pos..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(body[(pos + 4)..]);
            if (length < 0 || pos + 8 + length > body.Length) throw new ModelFormatException($"Section {kind} runs past the payload.");
            // Unknown sections are skipped so a newer writer can add optional data within one version.
            if (System.Enum.IsDefined(kind)) sections[kind] = body.Slice(pos + 8, length).ToArray();
            pos += 8 + length;
        }
        if (pos != body.Length) throw new ModelFormatException("The model artifact's sections do not fill its payload.");

        T Parse<T>(ArtifactFormat.Section kind, Func<SectionReader, T> read)
        {
            if (!sections.TryGetValue(kind, out var bytes)) throw new ModelFormatException($"The model artifact has no {kind} section.");
            using var ms = new MemoryStream(bytes, writable: false);
            using var reader = new BinaryReader(ms, Encoding.UTF8);
            try
            {
                var value = read(new SectionReader(reader, kind.ToString()));
                if (ms.Position != ms.Length) throw new ModelFormatException($"The model artifact's {kind} section has unread bytes.");
                return value;
            }
            catch (EndOfStreamException) { throw new ModelFormatException($"The model artifact's {kind} section ends early."); }
            catch (ModelFormatException) { throw; }
            catch (InvalidDataException e) { throw new ModelFormatException($"The model artifact's {kind} section is invalid: {e.Message}"); }
            catch (ArgumentException e) { throw new ModelFormatException($"The model artifact's {kind} section is invalid: {e.Message}"); }
        }

        var info = Parse(ArtifactFormat.Section.Info, r => r.Info());
        var transforms = Parse(ArtifactFormat.Section.Transforms, r => r.Transforms());
        var estimator = Parse(ArtifactFormat.Section.Estimator, r => r.Estimator(info));
        var metrics = Parse(ArtifactFormat.Section.Metrics, r => r.Metrics());
        var importance = Parse(ArtifactFormat.Section.Importance, r => r.Importance());
        var profile = Parse(ArtifactFormat.Section.Profile, r => r.Profile());
        // Optional within version 1: artifacts written before it have no sorted values and no target profile.
        if (sections.ContainsKey(ArtifactFormat.Section.DriftReference))
            profile = Parse(ArtifactFormat.Section.DriftReference, r => r.DriftReference(profile));
        try { return new TrainedModel(info, transforms, estimator, metrics, importance, profile); }
        catch (InvalidDataException e) { throw new ModelFormatException($"The model artifact is inconsistent: {e.Message}"); }
    }

    private static byte[] Encode(Action<BinaryWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(w);
        return ms.ToArray();
    }
}
