using OrleansSweeps.Grains.Sweeps;

namespace OrleansSweeps.Tests.Grains;

/// <summary>
/// Where a sweep's round of admissions sends its runs: a silo with room (slots, doubled while it lets runs wait, less
/// the sweep's runs there and those placed in the round), one holding the point's replicates first, then the most room,
/// then by name; silos that answered NoSlot are skipped.
/// </summary>
public sealed class AdmissionRoundTests
{
    private static readonly Dictionary<string, bool> NoQueues = [];

    [Fact]
    public void Runs_fill_the_silo_with_most_room_first_and_stop_when_every_slot_is_counted()
    {
        var silos = new Dictionary<string, int> { ["b"] = 2, ["a"] = 2, ["c"] = 1 };
        var round = new AdmissionRound([(0, "b")], NoQueues, new HashSet<string>());
        // Room: a 2, b 1, c 1. Each run is a new point, so only room and name decide.
        var placed = Enumerable.Range(1, 5).Select(p => round.Place(p, silos)).ToArray();
        Assert.Equal(new[] { "a", "a", "b", "c", null }, placed);
    }

    [Fact]
    public void A_silo_holding_the_points_replicates_comes_first_while_it_has_room()
    {
        var silos = new Dictionary<string, int> { ["a"] = 4, ["b"] = 2 };
        var round = new AdmissionRound([(7, "b")], NoQueues, new HashSet<string>());
        Assert.Equal("b", round.Place(7, silos)); // b has 1 room left, a has 4: the point's data is on b
        Assert.Equal("a", round.Place(7, silos)); // b is full now; a holds a replicate of point 7 from here on
        Assert.Equal("a", round.Place(8, silos));
    }

    [Fact]
    public void A_silo_that_lets_runs_wait_has_twice_its_slots_and_a_busy_one_is_skipped()
    {
        var silos = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1, ["c"] = 5 };
        var round = new AdmissionRound([], new Dictionary<string, bool> { ["a"] = true }, new HashSet<string> { "c" });
        var placed = Enumerable.Range(0, 4).Select(p => round.Place(p, silos)).ToArray();
        Assert.Equal(new[] { "a", "a", "b", null }, placed);
    }
}
