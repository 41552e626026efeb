namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>The report tests that read <see cref="ReportedSweep"/> share one run of it.</summary>
[CollectionDefinition(Name)]
public sealed class ReportedSweepCollection : ICollectionFixture<ReportedSweep>
{
    public const string Name = "reported sweep";
}
