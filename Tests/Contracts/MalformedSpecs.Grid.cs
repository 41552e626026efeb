namespace OrleansSweeps.Tests.Contracts;

public static partial class MalformedSpecs
{
    // Lines 1-6: a valid spec; the grid starts on line 7.
    private const string Valid = Head + """
        dataset: {kind: toy-product}
        model: {kind: mlp}
        training: {optimizer: gd, lr: 0.1, steps: 10}

        """;

    private static readonly MalformedSpec[] Grid =
    [
        new("grid-not-a-mapping", Valid + """
            grid: [0.1, 0.2]
            """, 7, "grid"),
        new("grid-key-not-a-field", Valid + """
            grid:
              training.lr: [0.1, 0.2]
              training.foo: [1]
            """, 9, "grid.training.foo"),
        new("grid-key-not-a-scalar", Valid + """
            grid:
              ? [a, b]
              : [1]
            """, 8, "grid.[a, b]"),
        new("grid-key-name", Valid + """
            grid: {name: [a, b]}
            """, 7, "grid.name"),
        new("grid-value-not-a-list", Valid + """
            grid:
              training.lr: 0.1
            """, 8, "grid.training.lr"),
        new("grid-empty-list", Valid + """
            grid:
              train_size: [50, 100]
              training.lr: []
            """, 9, "grid.training.lr"),
        new("grid-duplicate-values", Valid + """
            grid:
              training.lr:
                - 0.1
                - 0.2
                - 0.1
            """, 11, "grid.training.lr"),
        new("grid-value-invalid", Valid + """
            grid:
              training.lr:
                - 0.1
                - -1
            """, 10, "training.lr"),
        new("grid-value-invalid-in-later-axis", Valid + """
            grid:
              train_size: [50, 100]
              training.optimizer: [gd, sgd, rmsprop]
            """, 9, "training.optimizer"),
        new("grid-value-breaks-cross-field-rule", Valid + """
            grid:
              model.kind:
                - mlp
                - gsnr-cnn
            """, 10, "model.kind"),
        new("grid-corruption-radius-invalid", Head + """
            dataset: {kind: mnist, corruption: {kind: motion-blur}}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            grid:
              dataset.corruption.radius:
                - 2
                - 30
            """, 10, "dataset.corruption.radius"),
        new("grid-corruption-radius-without-kind", Head + """
            dataset: {kind: mnist}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            grid:
              dataset.corruption.radius: [0, 6]
            """, 8, "dataset.corruption.radius"),
        new("grid-model-kind-cifar-cnn-on-mnist", Head + """
            dataset: {kind: mnist}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            grid:
              model.kind: [mlp, cifar-cnn]
            """, 8, "model.kind"),
    ];
}
