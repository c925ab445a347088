using NasPrune.Experiments.Search;

namespace NasPrune.Tests.Experiments;

public sealed class SearchFrontTests
{
    [Fact]
    public void AVerifiedSearchShowsItsExportedAndItsReplacedPicksAtTheirMeasuredLatency()
    {
        SearchRow[] rows =
        [
            new() { Strategy = "evolution", Round = 1, PredictedLatencyMs = 2.8, PredictedTop1 = 77.2, MeasuredLatencyMs = 3.1, WithinBudget = false },
            new() { Strategy = "evolution", Round = 2, PredictedLatencyMs = 2.5, PredictedTop1 = 77.1, MeasuredLatencyMs = 2.7, WithinBudget = true, MeasuredTestTop1 = 78.3 },
            new() { Strategy = "random", PredictedLatencyMs = 2.6, PredictedTop1 = 76.9 },
        ];
        var series = SearchFront.PickSeries(rows).ToDictionary(s => s.Label, s => s.X.Zip(s.Y).ToArray());

        Assert.Equal([(2.8, 77.2), (2.5, 77.1)], series["evolution (predicted)"]);
        Assert.Equal([(2.6, 76.9)], series["random (predicted)"]);
        Assert.Equal([(2.7, 78.3)], series["exported, measured (test top-1)"]);
        Assert.Equal([(3.1, 77.2)], series["replaced picks, measured over budget (predicted top-1)"]);
        Assert.Equal(4, series.Count);
    }

    [Fact]
    public void AnUnverifiedSearchShowsPredictionsOnly() =>
        Assert.Equal(["evolution (predicted)"], SearchFront.PickSeries([new SearchRow { Strategy = "evolution", PredictedLatencyMs = 1, PredictedTop1 = 70 }]).Select(s => s.Label));
}
