using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Tests.Grains;

/// <summary>The <c>step-report/2</c> text a run reports per recorded step, and the <see cref="MomentsLocator"/> line it may carry.</summary>
public sealed class StepReportPayloadTests
{
    private const string Source = "s/p0001/s000000020 replicate 2";

    private static readonly CurveRow Row = new(20, 0.05, 0.1, 0.75, 1.0 / 3, 0.5, 0.09999999999999999, double.NaN)
    {
        Stats = new ModelStats(1.5, 0.25, 2e-10, 3.25, 0.5, 0.125, double.NaN, double.NaN, double.NaN),
    };

    private static readonly string CsvHeader = CurveRow.CsvHeader + "," + ModelStats.CsvHeader;

    private const string RowCsv = "20,0.05,0.1,0.75,0.3333333333333333,0.5,0.09999999999999999,,1.5,0.25,2E-10,3.25,0.5,0.125,,,";

    [Fact]
    public void Without_a_locator_the_payload_is_the_version_line_and_a_one_row_curves_csv()
    {
        var text = StepReportPayload.Format(Row);

        Assert.Equal($"step-report/2\n{CsvHeader}\n{RowCsv}\n", text);
        var parsed = StepReportPayload.Parse(text, Source);
        Assert.Null(parsed.Moments);
        Assert.Equal(Row, parsed.Row);
    }

    [Fact]
    public void With_a_locator_the_moments_line_follows_the_version_and_round_trips()
    {
        var at = new MomentsLocator("sweeps/s/runs/p0001/r002/moments/000000000-000000020.bin", 4096, 1234);

        var text = StepReportPayload.Format(Row, at);

        Assert.Equal($"step-report/2\nmoments sweeps/s/runs/p0001/r002/moments/000000000-000000020.bin 4096 1234\n{CsvHeader}\n{RowCsv}\n", text);
        var parsed = StepReportPayload.Parse(text, Source);
        Assert.Equal(at, parsed.Moments);
        Assert.Equal(Row, parsed.Row);
        Assert.Equal(StepReportPayload.Format(parsed.Row, parsed.Moments), text);
    }

    [Fact]
    public void A_locator_parses_from_its_three_fields()
    {
        var at = MomentsLocator.Parse("a/b/moments/000000005-000000010.bin 0 98765", Source);

        Assert.Equal(new MomentsLocator("a/b/moments/000000005-000000010.bin", 0, 98765), at);
        Assert.Equal("a/b/moments/000000005-000000010.bin 0 98765", at.Format());
        Assert.Equal(8_000_000_000L, MomentsLocator.Parse("k 8000000000 1", Source).Offset); // offsets past 2 GiB
    }

    [Theory]
    [InlineData("")]
    [InlineData("key 1")]
    [InlineData("key 1 2 3")]
    [InlineData(" 1 2")]
    [InlineData("key -1 2")]
    [InlineData("key 1 -2")]
    [InlineData("key 1 0")]
    [InlineData("key x 2")]
    [InlineData("key 1 2.5")]
    [InlineData("key  1 2")]
    [InlineData("key 1 99999999999")]
    public void A_malformed_locator_is_one_invalid_data_error_naming_the_source(string text)
    {
        var error = Assert.Throws<InvalidDataException>(() => MomentsLocator.Parse(text, Source));

        Assert.StartsWith(Source + ": moments locator '" + text + "'", error.Message, StringComparison.Ordinal);
        Assert.Contains("KEY OFFSET LENGTH", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedPayloads => new()
    {
        { "", "not a 'step-report/2' step report" },
        { "step-report/1\nstep,lr\n", "not a 'step-report/2' step report (it begins 'step-report/1')" },
        { $"step-report/2", "not a 'step-report/2' step report" },
        { $"step-report/2\nmoments k 1 2", "step report ends after its moments line" },
        { $"step-report/2\nmoments k 1\n{CsvHeader}\n{RowCsv}\n", "moments locator 'k 1'" },
        { $"step-report/2\n", "not a curves file (empty)" },
        { $"step-report/2\n{CsvHeader}\n", "a step report holds one row, found 0" },
        { $"step-report/2\n{CsvHeader}\n{RowCsv}\n{RowCsv}\n", "a step report holds one row, found 2" },
        { $"step-report/2\nstep,loss\n1,2\n", "not a curves file (unexpected header)" },
        { $"step-report/2\n{CsvHeader}\n{RowCsv[..^3]}\n", ":2: expected 17 fields, found 14" },
        { $"step-report/2\n{CsvHeader}\n{RowCsv.Replace("0.75", "0.7x5", StringComparison.Ordinal)}\n", ":2: '0.7x5' is not a number" },
        { $"step-report/2\n{CsvHeader}\n{RowCsv.Replace("20,0.05", "twenty,0.05", StringComparison.Ordinal)}\n", ":2: step 'twenty' is not a step number" },
        { $"step-report/2\nmoments k 1 2\nmoments k 3 4\n{CsvHeader}\n{RowCsv}\n", "not a curves file (unexpected header)" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void A_malformed_payload_is_one_invalid_data_error_naming_the_source(string payload, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => StepReportPayload.Parse(payload, Source));

        Assert.StartsWith(Source, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
