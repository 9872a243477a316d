using MlOps.Monitoring.Windows;

namespace MlOps.Tests.Unit.Monitoring;

public sealed class WindowPlanTests
{
    [Fact]
    public void Rows_top_up_the_open_window_and_the_rest_start_the_next_ones()
    {
        var pieces = WindowPlan.Split(openRows: 300, windowRows: 500, incoming: 800);
        Assert.Equal([new WindowPiece(0, 0, 200, true), new WindowPiece(1, 200, 500, true), new WindowPiece(2, 700, 100, false)], pieces);
    }

    [Fact]
    public void A_log_smaller_than_the_room_left_only_adds_to_the_open_window()
    {
        Assert.Equal([new WindowPiece(0, 0, 120, false)], WindowPlan.Split(100, 500, 120));
    }

    [Fact]
    public void A_log_that_exactly_fills_the_window_closes_it_and_leaves_nothing_open()
    {
        Assert.Equal([new WindowPiece(0, 0, 400, true)], WindowPlan.Split(100, 500, 400));
        Assert.Empty(WindowPlan.Split(100, 500, 0));
    }

    [Fact]
    public void A_window_already_over_a_shrunk_size_closes_before_the_new_rows_go_on()
    {
        Assert.Equal([new WindowPiece(0, 0, 0, true), new WindowPiece(1, 0, 50, false)], WindowPlan.Split(300, 200, 50));
    }

    [Theory]
    [InlineData(500, 7)]
    [InlineData(97, 11)]
    [InlineData(1, 3)]
    public void Over_any_sequence_of_logs_every_row_lands_in_exactly_one_window_of_the_fixed_size(int windowRows, int seed)
    {
        var random = new Random(seed);
        long open = 0;
        var window = 1;
        var perWindow = new Dictionary<int, long>();
        long total = 0;
        for (var e = 0; e < 200; e++)
        {
            var incoming = random.Next(0, 3 * windowRows);
            total += incoming;
            var covered = 0;
            var first = window;
            foreach (var piece in WindowPlan.Split(open, windowRows, incoming))
            {
                Assert.Equal(covered, piece.Skip);
                covered += piece.Take;
                var w = first + piece.WindowOffset;
                perWindow[w] = perWindow.GetValueOrDefault(w) + piece.Take;
                if (piece.Closes) { Assert.Equal(windowRows, perWindow[w]); window = w + 1; open = 0; }
                else open = perWindow[w];
            }
            Assert.Equal(incoming, covered);
        }
        Assert.Equal(total, perWindow.Values.Sum());
        Assert.All(perWindow.Where(kv => kv.Key < window), kv => Assert.Equal(windowRows, kv.Value));
        Assert.Equal(total % windowRows, open);
    }
}
