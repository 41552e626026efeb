using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics.PerExample;
using OrleansSweeps.Engine.Training.Regularizers;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// An optimiser bound to a model (SGD with momentum, Adam; coupled weight decay) with the run's regularisers.
/// Optimisers are written on plain tensors so their state is ours to serialise bit for bit. A generator seeded
/// per run draws dropout masks and SpectReg's ε, and is part of the state, so a resumed run is bit-identical.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly NativeModel _model;
    private readonly TrainingSpec _config;
    private readonly Tensor[] _momentum;  // SGD velocity, or Adam first moment, per trainable parameter
    private readonly Tensor[] _second;    // Adam second moment
    private readonly Generator _generator;
    private RegularizationSpec _regularizers = RegularizationSpec.None;
    private long _step;

    private Trainer(NativeModel model, TrainingSpec config, ulong seed)
    {
        _model = model;
        _config = config;
        var adam = config.Optimizer == OptimizerKind.Adam;
        var trainable = model.Net.Trainable;
        _momentum = adam || Momentum != 0 ? trainable.Select(p => zeros_like(p).detach()).ToArray() : [];
        _second = adam ? trainable.Select(p => zeros_like(p).detach()).ToArray() : [];
        _generator = new Generator(seed, CPU);
    }

    private double Momentum => _config.Optimizer == OptimizerKind.Sgd ? _config.Momentum : 0;

    public static Trainer Create(NativeModel model, TrainingSpec training, ulong seed) => EngineCall.Run("trainer.create", () =>
    {
        var momentum = training.Optimizer == OptimizerKind.Sgd ? training.Momentum : 0;
        EngineError.Require(momentum is >= 0 and < 1, "momentum must lie in [0, 1)");
        var a = training.Adam;
        EngineError.Require(training.Optimizer != OptimizerKind.Adam || (a.Beta1 is >= 0 and < 1 && a.Beta2 is >= 0 and < 1 && a.Epsilon > 0),
            "Adam needs beta1, beta2 in [0,1) and eps > 0");
        var trainer = new Trainer(model, training, seed);
        try
        {
            trainer.SetRegularizers(training.Regularization);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    });

    private void SetRegularizers(RegularizationSpec r)
    {
        EngineError.Require(r.Dropout is >= 0 and < 1, "dropout must lie in [0, 1)");
        foreach (var w in Weights(r)) EngineError.Require(double.IsFinite(w) && w >= 0, "penalty weights must be finite and >= 0");
        EngineError.Require(r.WinsorizeC >= 0, "winsorize c must be >= 0");
        EngineError.Require(r.WinsorizeC == 0 || !AnyPenalty(r), "winsorized gradients do not combine with penalties");
        EngineError.Require(!_model.Net.HasBatchNorm || (r.WinsorizeC == 0 && r.MgsTrace == 0 && r.MgsLogDet == 0),
            "the MGS penalties and winsorized gradients need independent examples; this model has BatchNorm layers");
        _regularizers = r;
    }

    /// <summary>λ of each penalty, indexed by <see cref="PenaltyKind"/>.</summary>
    private static double[] Weights(RegularizationSpec r) => [r.GradNorm, r.MgsTrace, r.MgsLogDet, r.DataGrad, r.SpectReg];

    private static bool AnyPenalty(RegularizationSpec r) => Weights(r).Any(w => w > 0);

    /// <summary>One update on the selected examples (empty: the whole set). Returns the mean loss before it.</summary>
    public double Step(TensorData data, ReadOnlySpan<long> batch, double learningRate)
    {
        var selection = batch.ToArray();
        return EngineCall.Run("trainer.step", () =>
        {
            EngineError.Require(double.IsFinite(learningRate) && learningRate >= 0, "learning rate must be finite and >= 0");
            using var scope = NewDisposeScope();
            var (loss, gradients) = StepGradients(data, selection);
            if (!double.IsFinite(loss)) throw EngineError.Diverged($"the mean training loss is {loss} at update {_step}");
            ApplyUpdate(learningRate, gradients);
            return loss;
        });
    }

    /// <summary>The model in training mode (batch statistics, dropout from the trainer's generator) for one step only.</summary>
    private (double Loss, Tensor[] Gradients) StepGradients(TensorData data, long[] selection)
    {
        var net = _model.Net;
        net.train();
        net.Dropout = (_regularizers.Dropout, _generator);
        try
        {
            if (AnyPenalty(_regularizers)) return PenaltyGradients(data, selection);
            if (_regularizers.WinsorizeC == 0) return PlainGradients(data, selection);
            return WinsorizedGradients.Compute(net, Batch.Whole(data, selection), data, _regularizers.WinsorizeC);
        }
        finally
        {
            net.eval();
            net.Dropout = (0, null);
        }
    }

    /// <summary>
    /// The plain mean-loss gradient, chunk by chunk (∂(Σ_chunk L_i / n)/∂θ summed) in bounded memory; BatchNorm
    /// mixes the examples of a batch, so a model with it takes the whole batch in one piece.
    /// </summary>
    private (double, Tensor[]) PlainGradients(TensorData data, long[] selection)
    {
        var net = _model.Net;
        var n = selection.Length == 0 ? data.Count : selection.Length;
        var chunk = net.HasBatchNorm ? long.MaxValue : Batch.ChunkExamples;
        double lossSum = 0;
        Tensor[]? sums = null;
        Batch.ForEachChunk(data, selection, chunk, batch =>
        {
            var sum = Losses.PerExample(net.call(batch.X), batch, data).sum();
            lossSum += sum.to(ScalarType.Float64).item<double>();
            var grads = Autograd.Gradients(sum.Over(n), net.Trainable);
            if (sums is null) sums = grads;
            else for (var i = 0; i < grads.Length; i++) sums[i].PlusInPlace(grads[i]);
        });
        return (lossSum / n, sums ?? []);
    }

    /// <summary>Penalised objective mean loss + Σ λP on the whole batch in one piece, differentiated exactly.</summary>
    private (double, Tensor[]) PenaltyGradients(TensorData data, long[] selection)
    {
        var weights = Weights(_regularizers);
        var terms = PenaltyTerms.Compute(_model.Net, Batch.Whole(data, selection), data, weights, null, _generator);
        var objective = terms.MeanLoss;
        for (var p = 0; p < PenaltyTerms.Kinds; p++)
        {
            if (weights[p] > 0) objective = objective + weights[p] * terms.Penalty[p]!.to(objective.dtype);
        }
        var meanLoss = terms.MeanLoss.to(ScalarType.Float64).item<double>();
        var total = objective.to(ScalarType.Float64).item<double>();
        if (!double.IsFinite(total) && double.IsFinite(meanLoss))
            throw EngineError.Diverged($"the penalised objective is {total} at update {_step}");
        return (meanLoss, Autograd.Gradients(objective, _model.Net.Trainable));
    }

    private void ApplyUpdate(double lr, Tensor[] gradients)
    {
        using var noGrad = no_grad();
        var parameters = _model.Net.Trainable;
        _step++;
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var g = gradients[i];
            if (_config.WeightDecay != 0) g = g.Plus(p.Times(_config.WeightDecay));
            if (_config.Optimizer != OptimizerKind.Adam)
            {
                if (Momentum != 0)
                {
                    _momentum[i].TimesInPlace(Momentum).PlusInPlace(g);  // PyTorch convention: v ← μv + g
                    p.sub_(_momentum[i].Times(lr));
                }
                else
                {
                    p.sub_(g.Times(lr));
                }
                continue;
            }
            // Kingma & Ba (2015), bias-corrected moments.
            var (beta1, beta2) = (_config.Adam.Beta1, _config.Adam.Beta2);
            _momentum[i].TimesInPlace(beta1).PlusInPlace(g.Times(1.0 - beta1));
            _second[i].TimesInPlace(beta2).PlusInPlace(g.Times(1.0 - beta2).mul(g));
            var c1 = 1.0 - Math.Pow(beta1, _step);
            var c2 = 1.0 - Math.Pow(beta2, _step);
            p.sub_(_momentum[i].Over(c1).Times(lr).div(_second[i].Over(c2).sqrt().PlusConstant(_config.Adam.Epsilon)));
        }
    }

    private IReadOnlyList<Tensor> StateTensors() =>
        [.. _model.Net.Parameters, .. _model.Net.BatchNorms.SelectMany(b => new[] { b.RunningMean, b.RunningVar }), .. _momentum, .. _second];

    /// <summary>Parameters, optimiser buffers, update count and generator state, as opaque bytes.</summary>
    public byte[] SaveState() => EngineCall.Run("trainer.save_state", () =>
    {
        using var scope = NewDisposeScope();
        return TrainerState.Save(Devices.DType(_model.Precision), _step, StateTensors(), _generator.get_state());
    });

    public void LoadState(ReadOnlySpan<byte> state)
    {
        var bytes = state.ToArray();
        EngineCall.Run("trainer.load_state", () =>
        {
            using var scope = NewDisposeScope();
            var tensors = StateTensors();
            var (step, values, generator) = TrainerState.Read(bytes, Devices.DType(_model.Precision), tensors);
            using (no_grad())
            {
                for (var i = 0; i < tensors.Count; i++) tensors[i].copy_(values[i]);
            }
            _generator.set_state(generator);
            _step = step;
        });
    }

    public void Dispose()
    {
        foreach (var t in _momentum.Concat(_second)) t.Dispose();
        _generator.Dispose();
    }
}
