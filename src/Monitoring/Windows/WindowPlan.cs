namespace MlOps.Monitoring.Windows;

/// <summary>A run of consecutive rows of one prediction log that go into one window.</summary>
/// <param name="WindowOffset">0 for the window being filled, 1 for the next, …</param>
/// <param name="Closes">True when these rows fill their window.</param>
public readonly record struct WindowPiece(int WindowOffset, int Skip, int Take, bool Closes);

/// <summary>
/// Cuts a model's incoming predictions into windows of a fixed row count, across event boundaries: the first rows
/// top up the window being filled, the rest fill further windows, and what is left starts the next one.
/// </summary>
public static class WindowPlan
{
    public static IReadOnlyList<WindowPiece> Split(long openRows, int windowRows, int incoming)
    {
        if (windowRows < 1) throw new ArgumentOutOfRangeException(nameof(windowRows), "A window needs at least one row.");
        var pieces = new List<WindowPiece>();
        var offset = 0;
        var skip = 0;
        // A window already at or above its size (the policy shrank it) closes with the next rows that come.
        var room = Math.Max(windowRows - openRows, 0);
        if (room == 0 && openRows > 0)
        {
            pieces.Add(new(0, 0, 0, true));
            offset = 1;
            room = windowRows;
        }
        while (skip < incoming)
        {
            var take = (int)Math.Min(room, incoming - skip);
            var closes = take == room;
            pieces.Add(new(offset, skip, take, closes));
            skip += take;
            offset++;
            room = windowRows;
        }
        return pieces;
    }
}
