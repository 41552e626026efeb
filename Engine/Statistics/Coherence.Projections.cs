using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics.PerExample;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Statistics;

public sealed partial record Coherence
{
    /// <summary>s_i = ∇θ L_i · <paramref name="direction"/> for each selected example (frozen parameters contribute nothing).</summary>
    public static double[] Projections(NativeModel model, TensorData data, ReadOnlySpan<long> examples, double[] direction)
    {
        var selection = examples.ToArray();
        return EngineCall.Run("example_projections", () =>
        {
            EngineError.Require(direction.Length == model.ParameterCount,
                $"expected {model.ParameterCount} direction values, got {direction.Length}");
            using var scope = NewDisposeScope();
            var net = model.Net;
            // The direction as tensors shaped like the trainable parameters (frozen ones never move).
            var wrt = new List<Tensor>();
            var along = new List<Tensor>();
            long offset = 0;
            foreach (var p in net.Parameters)
            {
                if (p.requires_grad)
                {
                    wrt.Add(p);
                    along.Add(tensor(direction.AsSpan((int)offset, (int)p.numel()).ToArray(), p.shape, ScalarType.Float64).to(p.dtype, p.device));
                }
                offset += p.numel();
            }
            var output = new List<double>();
            Batch.ForEachChunk(data, selection, Batch.ChunkExamples, batch =>
            {
                if (wrt.Count == 0)
                {
                    output.AddRange(new double[batch.Count]);
                    return;
                }
                // s_i = ∇θ L_i · v for every i by the double-backward trick: h(u) = ∂(Σ_i u_i L_i)/∂θ is linear in u,
                // so ∂(h(u) · v)/∂u_i = ∇θ L_i · v, whatever u is (u = 0 here). Two backward passes per chunk.
                var losses = Losses.PerExample(net.call(batch.X), batch, data);
                var u = zeros_like(losses).requires_grad_(true);
                var h = autograd.grad([losses], wrt.ToArray(), [u], retain_graph: true, create_graph: true, allow_unused: true);
                var dot = zeros(1, losses.dtype, losses.device).squeeze();
                for (var j = 0; j < h.Count; j++)
                {
                    if (Autograd.Defined(h[j])) dot = dot.Plus((h[j] * along[j]).sum());
                }
                var s = dot.requires_grad ? autograd.grad([dot], [u], allow_unused: true)[0] : null;
                output.AddRange(Autograd.Defined(s) ? s!.to(ScalarType.Float64).cpu().data<double>().ToArray() : new double[batch.Count]);
            });
            return output.ToArray();
        });
    }

    /// <summary>Whether each selected example's argmax equals its (possibly noisy) label.</summary>
    public static bool[] Correct(NativeModel model, TensorData data, ReadOnlySpan<long> examples = default)
    {
        var selection = examples.ToArray();
        return EngineCall.Run("example_correct", () =>
        {
            EngineError.Require(data.IsClassification, "per-example correctness needs classification data");
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var output = new List<bool>();
            Batch.ForEachChunk(data, selection, Batch.ChunkExamples, batch =>
                output.AddRange(model.Net.call(batch.X).argmax(1).eq(batch.Labels!).cpu().data<bool>().ToArray()));
            return output.ToArray();
        });
    }
}
