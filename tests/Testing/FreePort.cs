namespace MlOps.Testing;

public static class FreePort
{
    /// <summary>A TCP port on 127.0.0.1 that is free now and outside the kernel's ephemeral range (see LoopbackPorts).</summary>
    public static int Get() => MlOps.AppHost.Resources.LoopbackPorts.Free();

    /// <summary>A free port different from every port in <paramref name="taken"/>.</summary>
    public static int GetExcept(ICollection<int> taken)
    {
        while (true)
        {
            var port = Get();
            if (!taken.Contains(port))
            {
                return port;
            }
        }
    }
}
