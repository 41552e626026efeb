using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace OrleansSweeps.Engine.Models;

/// <summary>Per-example losses L_i (SCIENCE.md, notation).</summary>
internal static class Losses
{
    /// <summary>Cross-entropy of the logits (classification) or ‖f − y‖² (regression; no ½ factor).</summary>
    public static Tensor PerExample(Tensor output, Batch batch, TensorData data)
    {
        if (batch.Labels is { } labels)
        {
            EngineError.Require(output.dim() == 2 && output.shape[1] == data.Classes,
                $"the model outputs {output.shape[^1]} values but the data has {data.Classes} classes");
            return F.nll_loss(F.log_softmax(output, 1), labels, reduction: nn.Reduction.None);
        }
        var targets = batch.Targets!;
        EngineError.Require(output.shape.SequenceEqual(targets.shape),
            $"the model outputs {output.shape[^1]} values but targets have {targets.shape[^1]}");
        return output.sub(targets).Squared().sum(1);
    }
}
