using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Storage;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>Trainer state bytes, the <see cref="Checkpoint"/> file format and <see cref="DirectoryCheckpointStore"/>.</summary>
public sealed class CheckpointTests
{
    private static readonly TrainingSpec Adam = new(OptimizerKind.Adam, 10, 8, 0.05,
        new ScheduleSpec(ScheduleKind.Constant, 1, 0, 100), 0, 0.01, new AdamSpec(0.9, 0.999, 1e-8));

    [Fact]
    public void Trainer_state_restores_parameters_and_optimiser_bit_for_bit()
    {
        using var data = TensorData.Upload(RandomExamples.Classification(16, [3], 2, seed: 41), Precision.Float64, "cpu");
        using var model = NativeModel.Create("linear(3,5);tanh;linear(5,2)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var trainer = Trainer.Create(model, Adam, seed: 2);
        Steps(trainer, data, 2);
        var state = trainer.SaveState();
        var saved = model.GetParameters();
        Steps(trainer, data, 2);
        var continued = model.GetParameters();

        // A fresh model with another θ0 and a fresh trainer: everything must come from the state.
        using var other = NativeModel.Create("linear(3,5);tanh;linear(5,2)", Precision.Float64, "cpu", 99, InitScheme.Pytorch);
        using var resumed = Trainer.Create(other, Adam, seed: 3);
        Assert.NotEqual(saved, other.GetParameters());
        resumed.LoadState(state);
        Assert.Equal(saved, other.GetParameters());
        // Equal after two more Adam steps only if the moments and the step count (bias correction) came back too.
        Steps(resumed, data, 2);
        Assert.Equal(continued, other.GetParameters());
    }

    [Theory]
    [InlineData("linear(3,6);tanh;linear(6,2)", Precision.Float64, OptimizerKind.Adam, "size differs")]
    [InlineData("linear(3,5);tanh;linear(5,2)", Precision.Float64, OptimizerKind.Sgd, "different number of tensors")]
    [InlineData("linear(3,5);tanh;linear(5,2)", Precision.Float32, OptimizerKind.Adam, "dtype")]
    public void Loading_a_state_that_does_not_fit_throws_incompatible_state(string layers, Precision precision, OptimizerKind optimizer, string reason)
    {
        var state = AdamState();
        using var model = NativeModel.Create(layers, precision, "cpu", 1, InitScheme.Pytorch);
        using var trainer = Trainer.Create(model, Adam with { Optimizer = optimizer }, seed: 2);

        var error = Assert.Throws<NativeException>(() => trainer.LoadState(state));

        Assert.Equal(NativeStatus.IncompatibleState, error.Status);
        Assert.Equal("trainer.load_state", error.Operation);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_or_padded_state_throws()
    {
        var state = AdamState();
        using var model = NativeModel.Create("linear(3,5);tanh;linear(5,2)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var trainer = Trainer.Create(model, Adam, seed: 2);

        var truncated = Assert.Throws<NativeException>(() => trainer.LoadState(state.AsSpan(0, state.Length - 1)));
        Assert.Equal(NativeStatus.IncompatibleState, truncated.Status);
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);
        var padded = Assert.Throws<NativeException>(() => trainer.LoadState([.. state, 0]));
        Assert.Contains("trailing bytes", padded.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<NativeException>(() => trainer.LoadState(state.AsSpan(0, 3)));
        Assert.Equal(NativeStatus.IncompatibleState, empty.Status);
    }

    [Fact]
    public void A_failed_load_leaves_the_trainer_untouched()
    {
        var state = AdamState();
        using var model = NativeModel.Create("linear(3,5);tanh;linear(5,2)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var trainer = Trainer.Create(model, Adam, seed: 2);
        var before = model.GetParameters();
        var trainerBefore = trainer.SaveState();

        // Cut inside the generator state: every tensor before it would already have been read.
        Assert.Throws<NativeException>(() => trainer.LoadState(state.AsSpan(0, state.Length - 1)));

        Assert.Equal(before, model.GetParameters());
        Assert.Equal(trainerBefore, trainer.SaveState());
    }

    [Fact]
    public void Checkpoint_round_trips_step_rows_and_state()
    {
        var checkpoint = Sample(step: 12);

        var copy = Checkpoint.Deserialize(checkpoint.Serialize(), "mem.ckpt");

        Assert.Equal(12, copy.Step);
        Assert.Equal(checkpoint.Rows, copy.Rows); // record equality; NaN equals NaN for double.Equals
        Assert.Equal(checkpoint.TrainerState, copy.TrainerState);
    }

    [Fact]
    public void Checkpoint_with_a_flipped_byte_is_rejected_by_its_hash()
    {
        var bytes = Sample(step: 12).Serialize();
        bytes[bytes.Length / 2] ^= 0x01;

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Deserialize(bytes, "run/000000012.ckpt"));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("run/000000012.ckpt:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_whose_row_count_overruns_the_payload_is_rejected()
    {
        var payload = new byte[8 + 8 * CurveRow.FieldCount + 4];
        BitConverter.TryWriteBytes(payload.AsSpan(0), 3);
        BitConverter.TryWriteBytes(payload.AsSpan(4), 2); // two rows claimed, one (and an empty stats table) present
        var bytes = BinaryEnvelope.Wrap(Checkpoint.Kind, "bytes", [payload.Length], payload);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Deserialize(bytes, "x.ckpt"));
        Assert.Contains("row count 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_keeps_the_newest_two_and_falls_back_when_the_newest_is_corrupt()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var store = new DirectoryCheckpointStore(dir.Path, warnings.Add);
        Assert.Null(store.LoadLatest());

        foreach (var step in new[] { 5, 10, 15 }) store.Save(Sample(step));

        Assert.Equal(["000000010.ckpt", "000000015.ckpt"], dir.Files());
        Assert.Equal(15, store.LoadLatest()!.Step);
        Assert.Empty(warnings);

        var newest = dir.Combine("000000015.ckpt");
        var bytes = File.ReadAllBytes(newest);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(newest, bytes);

        Assert.Equal(10, store.LoadLatest()!.Step);
        var warning = Assert.Single(warnings);
        Assert.Contains("000000015.ckpt", warning, StringComparison.Ordinal);
        Assert.Contains("SHA-256", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_without_a_valid_checkpoint_loads_nothing()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        Assert.Null(new DirectoryCheckpointStore(dir.Combine("missing"), warnings.Add).LoadLatest());
        File.WriteAllBytes(dir.Combine("000000005.ckpt"), [1, 2, 3]);

        Assert.Null(new DirectoryCheckpointStore(dir.Path, warnings.Add).LoadLatest());
        Assert.Contains("bad magic", Assert.Single(warnings), StringComparison.Ordinal);
    }

    private static Checkpoint Sample(int step) => new(step,
        [new CurveRow(0, 0.1, 2.5, 0.25, 2.75, 0.125, double.NaN, double.NaN), new CurveRow(step, 0.05, 1.5, 0.5, 1.75, 0.375, 1.25, 1.625)],
        [1, 2, 3, (byte)step]);

    private static byte[] AdamState()
    {
        using var data = TensorData.Upload(RandomExamples.Classification(16, [3], 2, seed: 41), Precision.Float64, "cpu");
        using var model = NativeModel.Create("linear(3,5);tanh;linear(5,2)", Precision.Float64, "cpu", 1, InitScheme.Pytorch);
        using var trainer = Trainer.Create(model, Adam, seed: 2);
        Steps(trainer, data, 1);
        return trainer.SaveState();
    }

    private static void Steps(Trainer trainer, TensorData data, int count)
    {
        for (var i = 0; i < count; i++) trainer.Step(data, [], Adam.LearningRate);
    }
}
