namespace OrleansSweeps.Contracts.Specs;

/// <summary>
/// Regularisers of one training run (SCIENCE.md §3–§5), combinable; every strength is grid-able
/// (<c>training.penalties.mgs_trace: [0, 1e-3]</c>). The objective of an update is
/// mean loss + Σ λ·P over the penalties, on the update's batch, differentiated exactly (double backprop).
/// </summary>
/// <param name="Dropout">Drop probability after the activation of every hidden fully connected layer (training only).</param>
/// <param name="GradNorm">λ of ‖∂L/∂θ‖², L the batch's mean loss (MGS paper A.4).</param>
/// <param name="MgsTrace">λ of trace(K)/(b·k), K the exact MGS kernel on the batch (SCIENCE.md §3).</param>
/// <param name="MgsLogDet">λ of log det(K)/(b·k).</param>
/// <param name="DataGrad">λ of mean_i ‖∂L_i/∂x_i‖² (SCIENCE.md §5).</param>
/// <param name="SpectReg">λ of mean_i ‖ε_iᵀ ∂f(x_i)/∂x_i‖², ε_i ~ N(0, I_k) drawn afresh each update from the trainer's generator.</param>
/// <param name="WinsorizeC">c of winsorized SGD (SCIENCE.md §4): per parameter, each per-example gradient of the batch
/// clipped to the (c+1)-th smallest / largest value before averaging; 0 = plain SGD.</param>
public sealed record RegularizationSpec(
    double Dropout,
    double GradNorm,
    double MgsTrace,
    double MgsLogDet,
    double DataGrad,
    double SpectReg,
    int WinsorizeC)
{
    public static RegularizationSpec None { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Any penalty term (they need the whole batch in one differentiable piece).</summary>
    public bool AnyPenalty => GradNorm > 0 || MgsTrace > 0 || MgsLogDet > 0 || DataGrad > 0 || SpectReg > 0;
}
