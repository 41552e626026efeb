namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Layer texts (LayerText syntax) shared by the gradient-statistics tests: one per layer kind.</summary>
public static class TestLayers
{
    public const string Mlp = "linear(5,7);relu;linear(7,6);tanh;linear(6,3)";

    /// <summary>Conv with stride 2 and padding 1, then an unpadded conv: input 2×7×7.</summary>
    public const string StridedConv = "conv(2,3,3,stride=2,pad=1);relu;conv(3,4,2);tanh;flatten;linear(36,3)";

    /// <summary>BatchNorm after a padded conv (input 2×7×7) and after a linear layer.</summary>
    public const string BatchNormConv = "conv(2,3,3,pad=1);batchnorm(3);relu;flatten;linear(147,6);batchnorm(6);tanh;linear(6,3)";

    /// <summary>LeNet-5 as <c>ModelArchitecture</c> builds it: input 1×28×28, 10 outputs.</summary>
    public const string LeNet5 =
        "conv(1,6,5,pad=2);relu;maxpool(2);conv(6,16,5);relu;maxpool(2);flatten;linear(400,120);relu;linear(120,84);relu;linear(84,10)";
}
