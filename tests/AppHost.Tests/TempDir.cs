namespace MlOps.Tests.AppHost;

/// <summary>A directory under /tmp removed when the test is done.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("mlops-apphost-").FullName;
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing a file; /tmp is cleaned eventually and nothing depends on it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
