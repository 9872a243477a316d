using System.Buffers.Binary;
using System.Security.Cryptography;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Trainers;

namespace MlOps.Tests.Learning;

/// <summary>The drift reference (sorted values, target profile) travels in the artifact's optional section 7.</summary>
public sealed class ProfileArtifactTests
{
    static TrainedModel Model() => Trainer.Train(Generated.ThreeClasses(3000, 4), new TrainingSpec { Target = "label", Task = TaskKind.Multiclass, Seed = 3,
        Parameters = new Dictionary<string, string> { ["trees"] = "5" } });

    [Fact]
    public void The_profile_keeps_sorted_values_and_the_target_distribution_through_save_and_load()
    {
        var model = Model();
        var loaded = ModelArtifact.FromBytes(ModelArtifact.ToBytes(model));

        var target = loaded.Profile.Target!;
        Assert.Equal("label", target.Name);
        Assert.Equal(model.Info.Classes.Order(StringComparer.Ordinal), target.Categories);
        Assert.Equal(1.0, target.CategoryShares.Sum(), 9);
        foreach (var (before, after) in model.Profile.Features.Zip(loaded.Profile.Features))
        {
            Assert.Equal(before.SortedValues ?? [], after.SortedValues ?? []);
            if (before.Type != MlOps.Learning.Data.ColumnType.Categorical)
            {
                Assert.Equal(1000, after.SortedValues!.Length);
                Assert.True(after.SortedValues.SequenceEqual(after.SortedValues.Order()));
            }
        }
    }

    [Fact]
    public void An_artifact_written_before_the_drift_reference_section_still_loads()
    {
        var bytes = WithoutSection(ModelArtifact.ToBytes(Model()), 7);
        var loaded = ModelArtifact.FromBytes(bytes);
        Assert.Null(loaded.Profile.Target);
        Assert.All(loaded.Profile.Features, f => Assert.Empty(f.SortedValues ?? []));
    }

    /// <summary>Rewrites an artifact without one section (fixing count, payload length and hash), as an older writer made it.</summary>
    static byte[] WithoutSection(byte[] artifact, ushort kind)
    {
        var count = BinaryPrimitives.ReadUInt32LittleEndian(artifact.AsSpan(12));
        var kept = new List<byte[]>();
        var pos = 32;
        for (var i = 0; i < count; i++)
        {
            var k = BinaryPrimitives.ReadUInt16LittleEndian(artifact.AsSpan(pos));
            var length = BinaryPrimitives.ReadInt32LittleEndian(artifact.AsSpan(pos + 4));
            if (k != kind) kept.Add(artifact.AsSpan(pos, 8 + length).ToArray());
            pos += 8 + length;
        }
        Assert.Equal((int)count - 1, kept.Count);
        var payload = kept.Sum(s => s.Length);
        var result = new byte[32 + payload + 32];
        artifact.AsSpan(0, 32).CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(12), (uint)kept.Count);
        BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(16), payload);
        var at = 32;
        foreach (var s in kept) { s.CopyTo(result, at); at += s.Length; }
        SHA256.HashData(result.AsSpan(0, at), result.AsSpan(at));
        return result;
    }
}
