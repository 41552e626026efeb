using OrleansSweeps.Engine.Interop;

namespace OrleansSweeps.Engine.Models.Layers;

/// <summary>
/// Parses a model's layer text: ';'-separated layers such as
/// <c>conv(1,6,5,pad=2);relu;maxpool(2);flatten;linear(400,120)</c>. Kinds: linear(in,out[,frozen])
/// conv(in,out,k[,stride=s][,pad=p][,frozen]) batchnorm(channels[,frozen]) maxpool(k) flatten relu tanh sigmoid.
/// </summary>
public static class LayerText
{
    public static IReadOnlyList<LayerSpec> Parse(string text)
    {
        var layers = text.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).Select(Layer).ToList();
        EngineError.Require(layers.Count > 0, "the model has no layers");
        return layers;
    }

    private static LayerSpec Layer(string text)
    {
        var open = text.IndexOf('(');
        var name = (open < 0 ? text : text[..open]).Trim();
        var positional = new List<long>();
        var named = new List<(string Key, long Value)>();
        var frozen = false;
        if (open >= 0)
        {
            EngineError.Require(text.EndsWith(')'), $"layer '{text}': missing ')'");
            foreach (var raw in text[(open + 1)..^1].Split(','))
            {
                var arg = raw.Trim();
                var eq = arg.IndexOf('=');
                if (arg == "frozen") frozen = true;
                else if (eq >= 0) named.Add((arg[..eq].Trim(), Integer(arg[(eq + 1)..].Trim(), text)));
                else positional.Add(Integer(arg, text));
            }
        }
        void Expect(int count) => EngineError.Require(positional.Count == count, $"layer '{text}': expects {count} integer arguments");
        LayerSpec layer;
        switch (name)
        {
            case "linear":
                Expect(2);
                layer = new LayerSpec(LayerKind.Linear, positional[0], positional[1]);
                EngineError.Require(layer.In > 0 && layer.Out > 0, $"layer '{text}': sizes must be positive");
                break;
            case "conv":
                Expect(3);
                layer = new LayerSpec(LayerKind.Conv, positional[0], positional[1], positional[2]);
                break;
            case "batchnorm":
                Expect(1);
                layer = new LayerSpec(LayerKind.BatchNorm, positional[0], positional[0]);
                EngineError.Require(layer.Out > 0, $"layer '{text}': channels must be positive");
                break;
            case "maxpool":
                Expect(1);
                layer = new LayerSpec(LayerKind.MaxPool, Kernel: positional[0]);
                EngineError.Require(layer.Kernel > 0, $"layer '{text}': kernel must be positive");
                break;
            default:
                Expect(0);
                layer = new LayerSpec(name switch
                {
                    "flatten" => LayerKind.Flatten,
                    "relu" => LayerKind.Relu,
                    "tanh" => LayerKind.Tanh,
                    "sigmoid" => LayerKind.Sigmoid,
                    _ => throw new EngineError(NativeStatus.InvalidArgument, $"unknown layer kind '{name}'"),
                });
                break;
        }
        foreach (var (key, value) in named)
        {
            EngineError.Require(layer.Kind == LayerKind.Conv && key is "stride" or "pad", $"layer '{text}': unknown option '{key}'");
            layer = key == "stride" ? layer with { Stride = value } : layer with { Pad = value };
        }
        EngineError.Require(!frozen || layer.HasWeights, $"layer '{text}': only linear, conv and batchnorm layers can be frozen");
        EngineError.Require(layer.Kind != LayerKind.Conv || (layer.In > 0 && layer.Out > 0 && layer.Kernel > 0 && layer.Stride > 0 && layer.Pad >= 0),
            $"layer '{text}': sizes must be positive");
        return layer with { Frozen = frozen };
    }

    private static long Integer(string token, string layer) =>
        long.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new EngineError(NativeStatus.InvalidArgument, $"layer '{layer}': '{token}' is not an integer");
}
