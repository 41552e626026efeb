namespace OrleansSweeps.Contracts.Specs;

/// <summary>Where examples come from (SCIENCE.md §2–§6).</summary>
public enum DatasetKind
{
    /// <summary>MNIST from the original IDX files; pool = 60,000 training images, test = the 10,000 test images.</summary>
    Mnist,

    /// <summary>Toy product regression y = x0·x1 + ε, x ~ U[−1,1]², ε ~ U[−η,η] (appendix A.3).</summary>
    ToyProduct,

    /// <summary>Two noisy concentric circles, binary classification (MGS paper).</summary>
    TwoCircles,

    /// <summary>CIFAR-10 from the official binary files; pool = 50,000 training images, test = the 10,000 test images.</summary>
    Cifar10,
}

/// <summary>Corruptions applied to every image of a dataset (pool and test set alike).</summary>
public enum CorruptionKind
{
    /// <summary>MNIST-C-style motion blur along a random angle per image (SCIENCE.md §3; Engine/Data/MotionBlur.cs).</summary>
    MotionBlur,
}

public enum LabelNoiseMode
{
    /// <summary>Each label replaced with probability <c>fraction</c> by a uniformly random label (SCIENCE.md §2).</summary>
    Random,

    /// <summary>A random <c>fraction</c> of examples have their labels permuted among themselves (SCIENCE.md §4).</summary>
    Permute,
}

public enum ModelKind
{
    Mlp,

    /// <summary>CNN of the GSNR paper's table 2 with channel parameter p, q = int(2.5 p).</summary>
    GsnrCnn,

    /// <summary>LeNet-5 (ReLU, max pooling, first conv padded to keep 28×28).</summary>
    Lenet5,

    /// <summary>CNN of the GSNR paper's table 3 for 3×32×32 images: 4 conv-BN-ReLU-conv-BN-ReLU-maxpool blocks, then 3 fc layers.</summary>
    CifarCnn,
}

public enum Activation { Relu, Tanh, Sigmoid }

public enum InitScheme
{
    /// <summary>torch.nn defaults: weights and biases U(±1/√fan_in).</summary>
    Pytorch,

    /// <summary>Glorot uniform weights, zero biases.</summary>
    Xavier,
}

public enum Precision { Float32, Float64 }

public enum OptimizerKind
{
    /// <summary>Full-batch gradient descent: every step uses the whole training set.</summary>
    Gd,
    Sgd,
    Adam,
}

public enum ScheduleKind
{
    Constant,

    /// <summary>lr_t = lr · gamma^t.</summary>
    Exponential,

    /// <summary>Triangular cycle between min_lr and lr with the given period (Smith, 2017).</summary>
    Cyclical,
}
