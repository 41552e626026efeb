using YamlDotNet.RepresentationModel;

namespace OrleansSweeps.Contracts.Specs.Internal;

/// <summary>
/// Turns one spec tree (base fields plus one grid combination) into a <see cref="RunSpec"/>. Every
/// field is read on every pass, so <see cref="SpecContext.KnownPaths"/> is the full schema.
/// </summary>
internal static class SpecBinder
{
    /// <summary>Largest MNIST pool and test set (the original files).</summary>
    public const int MnistTrainPool = 60_000;
    public const int MnistTestPool = 10_000;

    /// <summary>CIFAR-10's five training batches and its test batch.</summary>
    public const int Cifar10TrainPool = 50_000;
    public const int Cifar10TestPool = 10_000;

    public const int DefaultBlurRadius = 6;
    public const double DefaultBlurSigma = 2.0;

    /// <summary>A longer streak than this would leave a 28×28 image from every source pixel.</summary>
    public const int MaxBlurRadius = 27;

    /// <summary>A minimal valid spec; binding it reads every field, so its known paths are the schema.</summary>
    private const string SchemaTemplate = """
        name: schema
        replicates: 1
        train_size: 1
        dataset: {kind: toy-product}
        model: {kind: mlp}
        training: {optimizer: gd, lr: 1, steps: 1}
        """;

    private static readonly Lazy<HashSet<string>> Schema = new(() =>
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(SchemaTemplate));
        var context = new SpecContext("schema", new Dictionary<string, YamlNode>());
        Bind(context, (YamlMappingNode)stream.Documents[0].RootNode);
        return context.KnownPaths;
    });

    /// <summary>
    /// Rejects the first key, in document order, that is no spec field. Run before binding: a typo
    /// (<c>replicate:</c>, <c>training.lrr:</c>) is the real mistake, not the "is required" it causes.
    /// Grid keys are checked separately, against the schema of the bound spec.
    /// </summary>
    public static void RejectUnknownFields(SpecContext context, YamlMappingNode node, string prefix = "")
    {
        foreach (var (keyNode, value) in node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (!Schema.Value.Contains(path))
            {
                var known = Schema.Value
                    .Where(p => p.StartsWith(prefix.Length == 0 ? "" : prefix + ".", StringComparison.Ordinal))
                    .Select(p => prefix.Length == 0 ? p : p[(prefix.Length + 1)..])
                    .Where(p => !p.Contains('.'))
                    .Order(StringComparer.Ordinal);
                throw context.Error(keyNode, path, $"unknown field (known here: {string.Join(", ", known)})");
            }
            if (path != "grid" && value is YamlMappingNode child) RejectUnknownFields(context, child, path);
        }
    }

    public static RunSpec Bind(SpecContext context, YamlMappingNode root)
    {
        var top = new MappingReader(context, root, "", root);
        top.String("name", null);
        top.Get("grid");
        var seed = (ulong)top.Integer("seed", 0, 0, long.MaxValue);
        var replicates = top.Int("replicates", null, 1, 100_000);
        var trainSize = top.Int("train_size", null, 1, 100_000_000);
        var device = top.String("device", "cpu")!;
        if (!IsDevice(device)) throw top.Error("device", $"unknown device '{device}' (expected cpu, cuda or cuda:i)");
        var checkpointEvery = top.Int("checkpoint_every", 0, 0);

        var dataset = BindDataset(top.Mapping("dataset"), trainSize, top);
        var model = BindModel(top.Mapping("model"), dataset);
        var training = BindTraining(top.Mapping("training"), trainSize);
        var record = BindRecord(top.Mapping("record"), training.Steps, top.Has("record"));
        var stats = BindStats(top.Mapping("stats"), training, trainSize, dataset);
        top.RejectUnknownKeys();
        return new RunSpec(seed, replicates, trainSize, device, dataset, model, training, record, checkpointEvery) { Stats = stats };
    }

    private static DatasetSpec BindDataset(MappingReader r, int trainSize, MappingReader top)
    {
        if (!top.Has("dataset")) throw top.Error("dataset", "is required (a mapping with at least 'kind')");
        var kind = r.Enum<DatasetKind>("kind", null);
        var pools = ImagePool(kind);
        var testSize = r.Int("test_size", pools?.Test ?? 10_000, 1, 10_000_000);
        var noise = r.Double("noise", kind == DatasetKind.TwoCircles ? 0.1 : 0.0, 0, 1e6);
        var factor = r.Double("factor", 0.5, 0, 1, minExclusive: true);
        var path = r.String("path", null);
        var noiseReader = r.Mapping("label_noise");
        LabelNoiseSpec? labelNoise = null;
        var mode = noiseReader.Enum<LabelNoiseMode>("mode", LabelNoiseMode.Random);
        var fraction = noiseReader.Double("fraction", 0, 0, 1);
        noiseReader.RejectUnknownKeys();
        if (r.Has("label_noise"))
        {
            if (kind == DatasetKind.ToyProduct)
                throw r.Error("label_noise", "applies to classification data; the toy regression's noise is dataset.noise (η)");
            labelNoise = new LabelNoiseSpec(mode, fraction);
        }
        var corruption = BindCorruption(r, kind);
        if (pools is { } pool)
        {
            if (trainSize > pool.Train) throw top.Error("train_size", $"{pool.Name} has {pool.Train} training images (got {trainSize})");
            if (testSize > pool.Test) throw r.Error("test_size", $"{pool.Name} has {pool.Test} test images (got {testSize})");
            if (r.Has("noise")) throw r.Error("noise", $"applies to toy-product and two-circles; {pool.Name} label noise is dataset.label_noise");
        }
        else if (path is not null)
        {
            throw r.Error("path", $"applies to mnist and cifar10 (directories of data files); {SpecNames.Of(kind)} is generated from the seed");
        }
        if (kind == DatasetKind.TwoCircles && trainSize < 2)
            throw top.Error("train_size", "two-circles needs at least one example per class");
        r.RejectUnknownKeys();
        return new DatasetSpec(kind, testSize, noise, factor, labelNoise, path) { Corruption = corruption };
    }

    /// <summary>Data sets read from files: display name, training pool and test set sizes; null for generated data.</summary>
    private static (string Name, int Train, int Test)? ImagePool(DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => ("MNIST", MnistTrainPool, MnistTestPool),
        DatasetKind.Cifar10 => ("CIFAR-10", Cifar10TrainPool, Cifar10TestPool),
        _ => null,
    };

    /// <summary>
    /// dataset.corruption. Defaults radius 6, σ = 2: the last tap (d = 3σ) still has weight e^(−4.5) ≈ 1.1% of
    /// the first, so the Gaussian is not cut short, and the streak (≈ 4 px of substantial weight) is about two
    /// stroke widths of a 28×28 digit: clearly blurred, still legible.
    /// </summary>
    private static CorruptionSpec? BindCorruption(MappingReader dataset, DatasetKind kind)
    {
        var c = dataset.Mapping("corruption");
        // Present when written or when a grid sets one of its fields: a grid over radius alone must not be ignored.
        var present = dataset.Has("corruption") || c.Has("kind") || c.Has("radius") || c.Has("sigma");
        if (present && !dataset.Has("corruption") && !c.Has("kind"))
            throw c.Error(c.Has("radius") ? "radius" : "sigma", "needs dataset.corruption.kind (e.g. corruption: {kind: motion-blur}) in the spec");
        var corruptionKind = c.Enum<CorruptionKind>("kind", present ? null : CorruptionKind.MotionBlur);
        var radius = c.Int("radius", DefaultBlurRadius, 0, MaxBlurRadius);
        var sigma = c.Double("sigma", DefaultBlurSigma, 0, 1e3, minExclusive: true);
        c.RejectUnknownKeys();
        if (!present) return null;
        if (kind != DatasetKind.Mnist)
            throw dataset.Error("corruption", $"motion blur is defined for MNIST (the MGS paper's blurred MNIST); not for {SpecNames.Of(kind)}");
        return new CorruptionSpec(corruptionKind, radius, sigma);
    }

    private static ModelSpec BindModel(MappingReader r, DatasetSpec dataset)
    {
        var kind = r.Enum<ModelKind>("kind", null);
        var hidden = r.IntList("hidden", 1, 1_000_000) ?? [20];
        var activation = r.Enum<Activation>("activation", Activation.Relu);
        var p = r.Int("p", 16, 1, 4096);
        var frozen = r.IntList("frozen", 0, 1_000) ?? [];
        var init = r.Enum<InitScheme>("init", InitScheme.Pytorch);
        var precision = r.Enum<Precision>("precision", Precision.Float32);
        var shareInit = r.Bool("share_init", true);
        if (kind == ModelKind.CifarCnn && dataset.Kind != DatasetKind.Cifar10)
            throw r.Error("kind", "cifar-cnn takes 3×32×32 images; use it with dataset kind cifar10");
        if (kind is ModelKind.GsnrCnn or ModelKind.Lenet5 && dataset.Kind != DatasetKind.Mnist)
            throw r.Error("kind", $"{SpecNames.Of(kind)} takes 28×28 images; use it with dataset kind mnist");
        if (kind != ModelKind.Mlp && r.Has("hidden")) throw r.Error("hidden", "applies to kind mlp only");
        // Layers with weights as the numeric core numbers them (linear, conv and batchnorm; see ModelArchitecture).
        var layersWithWeights = kind switch
        {
            ModelKind.Mlp => hidden.Count + 1,
            ModelKind.GsnrCnn => 4,
            ModelKind.CifarCnn => 19,
            _ => 5,
        };
        foreach (var index in frozen)
        {
            if (index >= layersWithWeights)
                throw r.Error("frozen", $"layer {index} does not exist (the model has {layersWithWeights} layers with weights, numbered from 0)");
        }
        if (frozen.Distinct().Count() == layersWithWeights) throw r.Error("frozen", "freezes every layer: nothing would train");
        r.RejectUnknownKeys();
        return new ModelSpec(kind, hidden, activation, p, frozen, init, precision, shareInit);
    }

    private static TrainingSpec BindTraining(MappingReader r, int trainSize)
    {
        var optimizer = r.Enum<OptimizerKind>("optimizer", null);
        var steps = r.Int("steps", null, 1, 100_000_000);
        var batchSize = r.Int("batch_size", optimizer == OptimizerKind.Gd ? trainSize : Math.Min(32, trainSize), 1);
        var lr = r.Double("lr", null, 0, 1e6, minExclusive: true);
        var momentum = r.Double("momentum", 0, 0, 1);
        var weightDecay = r.Double("weight_decay", 0, 0, 1e6);
        var adamReader = r.Mapping("adam");
        var adam = new AdamSpec(
            adamReader.Double("beta1", 0.9, 0, 1),
            adamReader.Double("beta2", 0.999, 0, 1),
            adamReader.Double("eps", 1e-8, 0, 1, minExclusive: true));
        adamReader.RejectUnknownKeys();
        var s = r.Mapping("schedule");
        var schedule = new ScheduleSpec(
            s.Enum<ScheduleKind>("kind", ScheduleKind.Constant),
            s.Double("gamma", 1.0, 0, 1, minExclusive: true),
            s.Double("min_lr", 0, 0, 1e6),
            s.Int("period", 100, 2));
        s.RejectUnknownKeys();
        var regularization = BindRegularization(r, optimizer);

        if (momentum >= 1) throw r.Error("momentum", "must be < 1");
        if (adam.Beta1 >= 1 || adam.Beta2 >= 1) throw adamReader.Error(adam.Beta1 >= 1 ? "beta1" : "beta2", "must be < 1");
        if (optimizer == OptimizerKind.Gd && r.Has("batch_size"))
            throw r.Error("batch_size", "gd uses the whole training set each step; use optimizer sgd for minibatches");
        if (optimizer != OptimizerKind.Sgd && r.Has("momentum")) throw r.Error("momentum", "applies to optimizer sgd only");
        if (optimizer != OptimizerKind.Adam && r.Has("adam")) throw r.Error("adam", "applies to optimizer adam only");
        if (batchSize > trainSize) throw r.Error("batch_size", $"exceeds train_size ({batchSize} > {trainSize})");
        if (regularization.WinsorizeC > 0 && 2 * regularization.WinsorizeC >= batchSize)
            throw r.Error("winsorize", $"c = {regularization.WinsorizeC} needs a batch of more than 2c examples (batch_size {batchSize})");
        if (schedule.Kind == ScheduleKind.Cyclical && schedule.MinLearningRate >= lr)
            throw s.Error("min_lr", $"must be below training.lr for a cyclical schedule ({schedule.MinLearningRate} >= {lr})");
        if (schedule.Kind != ScheduleKind.Exponential && s.Has("gamma")) throw s.Error("gamma", "applies to kind exponential only");
        r.RejectUnknownKeys();
        return new TrainingSpec(optimizer, steps, batchSize, lr, schedule, momentum, weightDecay, adam) { Regularization = regularization };
    }

    private static RegularizationSpec BindRegularization(MappingReader training, OptimizerKind optimizer)
    {
        var dropout = training.Double("dropout", 0, 0, 1);
        if (dropout >= 1) throw training.Error("dropout", "must be < 1 (the probability of dropping a unit)");
        var p = training.Mapping("penalties");
        var spec = new RegularizationSpec(
            dropout,
            p.Double("grad_norm", 0, 0, 1e9),
            p.Double("mgs_trace", 0, 0, 1e9),
            p.Double("mgs_logdet", 0, 0, 1e9),
            p.Double("datagrad", 0, 0, 1e9),
            p.Double("spectreg", 0, 0, 1e9),
            training.Int("winsorize", 0, 0, 1_000_000));
        p.RejectUnknownKeys();
        if (spec.WinsorizeC > 0 && optimizer == OptimizerKind.Gd)
            throw training.Error("winsorize", "clips the per-example gradients of a minibatch; use optimizer sgd");
        if (spec.WinsorizeC > 0 && spec.AnyPenalty)
            throw training.Error("winsorize", "replaces the minibatch gradient by a clipped mean; it does not combine with penalties");
        return spec;
    }

    private static StatsSpec BindStats(MappingReader r, TrainingSpec training, int trainSize, DatasetSpec dataset)
    {
        var moments = r.Bool("moments", false);
        var signs = r.Bool("signs", false);
        var vectors = r.Bool("vectors", false);
        var examples = r.Enum<StatsExamples>("examples", StatsExamples.Train);
        var chunk = r.Int("chunk", StatsSpec.DefaultChunk, 1, 1_000_000);
        var mgsBatch = r.Int("mgs_batch", 0, 0, 4096);
        if ((signs || vectors) && !moments)
            throw r.Error(signs ? "signs" : "vectors", "needs moments: true");
        if (examples == StatsExamples.Batch && training.Optimizer == OptimizerKind.Gd)
            throw r.Error("examples", "gd has no minibatch; use examples: train");
        if (mgsBatch > trainSize) throw r.Error("mgs_batch", $"exceeds train_size ({mgsBatch} > {trainSize})");
        var coherence = r.Bool("coherence", false);
        var nullWorlds = r.Int("null_worlds", 0, 0, 100_000);
        var learned = r.Bool("learned", false);
        if (coherence && dataset.LabelNoise is null)
            throw r.Error("coherence", "needs dataset.label_noise (it splits the gradient into pristine and corrupt examples)");
        if (nullWorlds > 0 && !coherence) throw r.Error("null_worlds", "needs coherence: true");
        if (learned && dataset.Kind == DatasetKind.ToyProduct) throw r.Error("learned", "applies to classification data");
        r.RejectUnknownKeys();
        return new StatsSpec(moments, signs, vectors, examples, chunk, mgsBatch) { Coherence = coherence, NullWorlds = nullWorlds, Learned = learned };
    }

    private static RecordSpec BindRecord(MappingReader r, int totalSteps, bool present)
    {
        var steps = r.IntList("steps", 0, int.MaxValue);
        var every = r.Int("every", 0, 1);
        var logSpaced = r.Int("log_spaced", 0, 1, 10_000);
        var given = (steps is null ? 0 : 1) + (r.Has("every") ? 1 : 0) + (r.Has("log_spaced") ? 1 : 0);
        if (given == 0 && present)
            throw r.Error("every", "record needs one of: steps: [..], every: k, log_spaced: count");
        if (given > 1) throw r.Error("steps", "give only one of steps, every, log_spaced");
        r.RejectUnknownKeys();
        if (steps is not null)
        {
            var beyond = steps.FirstOrDefault(s => s > totalSteps, -1);
            if (beyond >= 0) throw r.Error("steps", $"step {beyond} is beyond training.steps ({totalSteps})");
            if (steps.Count == 0) throw r.Error("steps", "is empty");
        }
        return given == 0 ? new RecordSpec(null, Math.Max(1, totalSteps / 10), 0) : new RecordSpec(steps, every, logSpaced);
    }

    private static bool IsDevice(string text) =>
        text == "cpu" || text == "cuda" ||
        (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out var i) && i >= 0);
}
