namespace OrleansSweeps.Tests.Contracts;

public static partial class MalformedSpecs
{
    // Lines 1-3 are name, replicates and train_size in every case below.
    private const string Head = "name: bad\nreplicates: 2\ntrain_size: 100\n";

    private static readonly MalformedSpec[] Fields =
    [
        new("unknown-dataset-kind", Head + """
            dataset: {kind: cifar-100}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 4, "dataset.kind"),
        new("lr-negative", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: -0.5, steps: 10}
            """, 6, "training.lr"),
        new("lr-zero", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0, steps: 10}
            """, 6, "training.lr"),
        new("steps-zero", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 0}
            """, 6, "training.steps"),
        new("steps-not-integer", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training:
              optimizer: gd
              lr: 0.1
              steps: 1.5
            """, 9, "training.steps"),
        new("mnist-train-size-above-pool", """
            name: bad
            replicates: 2
            train_size: 60001
            dataset: {kind: mnist}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 3, "train_size"),
        new("mnist-test-size-above-pool", Head + """
            dataset:
              kind: mnist
              test_size: 10001
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.test_size"),
        new("cifar10-train-size-above-pool", """
            name: bad
            replicates: 2
            train_size: 50001
            dataset: {kind: cifar10}
            model: {kind: cifar-cnn}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 3, "train_size"),
        new("cifar10-test-size-above-pool", Head + """
            dataset:
              kind: cifar10
              test_size: 10001
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.test_size"),
        new("cifar10-with-noise", Head + """
            dataset:
              kind: cifar10
              noise: 0.1
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.noise"),
        new("path-on-toy-product", Head + """
            dataset:
              kind: toy-product
              path: /data/toy
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.path"),
        new("corruption-unknown-kind", Head + """
            dataset:
              kind: mnist
              corruption:
                kind: gaussian-blur
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 7, "dataset.corruption.kind"),
        new("corruption-without-kind", Head + """
            dataset:
              kind: mnist
              corruption: {radius: 4}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.corruption.kind"),
        new("corruption-radius-negative", Head + """
            dataset:
              kind: mnist
              corruption:
                kind: motion-blur
                radius: -1
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 8, "dataset.corruption.radius"),
        new("corruption-radius-beyond-the-image", Head + """
            dataset:
              kind: mnist
              corruption: {kind: motion-blur, radius: 28}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.corruption.radius"),
        new("corruption-sigma-zero", Head + """
            dataset:
              kind: mnist
              corruption:
                kind: motion-blur
                sigma: 0
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 8, "dataset.corruption.sigma"),
        new("corruption-unknown-field", Head + """
            dataset:
              kind: mnist
              corruption:
                kind: motion-blur
                angle: 30
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 8, "dataset.corruption.angle"),
        new("corruption-not-a-mapping", Head + """
            dataset:
              kind: mnist
              corruption: motion-blur
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.corruption"),
        new("corruption-on-cifar10", Head + """
            dataset:
              kind: cifar10
              corruption: {kind: motion-blur}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.corruption"),
        new("cifar-cnn-with-mnist", Head + """
            dataset: {kind: mnist}
            model:
              p: 8
              kind: cifar-cnn
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 7, "model.kind"),
        new("lenet5-with-cifar10", Head + """
            dataset: {kind: cifar10}
            model: {kind: lenet5}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 5, "model.kind"),
        new("cifar-cnn-frozen-layer-out-of-range", Head + """
            dataset: {kind: cifar10}
            model:
              kind: cifar-cnn
              frozen: [18, 19]
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 7, "model.frozen"),
        new("label-noise-on-toy-product", Head + """
            dataset:
              kind: toy-product
              label_noise:
                fraction: 0.1
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.label_noise"),
        new("label-noise-fraction-above-one", Head + """
            dataset:
              kind: mnist
              label_noise: {mode: random, fraction: 1.5}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 6, "dataset.label_noise.fraction"),
        new("label-noise-unknown-mode", Head + """
            dataset:
              kind: mnist
              label_noise:
                fraction: 0.2
                mode: shuffle
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 8, "dataset.label_noise.mode"),
        new("batch-size-with-gd", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10, batch_size: 10}
            """, 6, "training.batch_size"),
        new("batch-size-above-train-size", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training:
              optimizer: sgd
              lr: 0.1
              steps: 10
              batch_size: 101
            """, 10, "training.batch_size"),
        new("momentum-with-adam", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training:
              optimizer: adam
              lr: 0.1
              momentum: 0.9
              steps: 10
            """, 9, "training.momentum"),
        new("cyclical-min-lr-not-below-lr", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training:
              optimizer: gd
              lr: 0.1
              steps: 10
              schedule:
                kind: cyclical
                min_lr: 0.1
            """, 12, "training.schedule.min_lr"),
        new("unknown-activation", Head + """
            dataset: {kind: toy-product}
            model:
              kind: mlp
              activation: gelu
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 7, "model.activation"),
        new("cnn-with-toy-product", Head + """
            dataset: {kind: toy-product}
            model: {kind: gsnr-cnn}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 5, "model.kind"),
        new("frozen-layer-out-of-range", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp, hidden: [8], frozen: [2]}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 5, "model.frozen"),
        new("frozen-every-layer", Head + """
            dataset: {kind: toy-product}
            model:
              kind: mlp
              hidden: [8, 8]
              frozen:
                - 0
                - 2
                - 1
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 8, "model.frozen"),
        new("hidden-width-zero", Head + """
            dataset: {kind: toy-product}
            model:
              kind: mlp
              hidden:
                - 8
                - 0
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 9, "model.hidden"),
        new("model-missing", Head + """
            dataset: {kind: toy-product}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 1, "model.kind"),
        new("record-every-and-steps", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            record:
              every: 2
              steps: [0, 5]
            """, 9, "record.steps"),
        new("record-step-beyond-training", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            record: {steps: [0, 5, 11]}
            """, 7, "record.steps"),
        new("stats-signs-without-moments", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            stats:
              signs: true
            """, 8, "stats.signs"),
        new("stats-batch-with-gd", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            stats: {moments: true, examples: batch}
            """, 7, "stats.examples"),
        new("stats-mgs-batch-above-train-size", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            stats:
              mgs_batch: 5000
            """, 8, "stats.mgs_batch"),
        new("stats-unknown-field", Head + """
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            stats:
              moment: true
            """, 8, "stats.moment"),
    ];
}
