// Parses the layer text of gs_model_create, e.g. "conv(1,6,5,pad=2);relu;maxpool(2);flatten;...".
#include <sstream>

#include "errors.h"
#include "model.h"

namespace gs {
namespace {

struct Call {
    std::string name;
    std::vector<int64_t> positional;
    std::vector<std::pair<std::string, int64_t>> named;
    bool frozen = false;
};

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

int64_t to_int(const std::string& token, const std::string& layer) {
    try {
        size_t used = 0;
        const long long v = std::stoll(token, &used);
        if (used != token.size()) throw std::invalid_argument(token);
        return v;
    } catch (const std::exception&) {
        throw ArgumentError("layer '" + layer + "': '" + token + "' is not an integer");
    }
}

Call parse_call(const std::string& text) {
    Call call;
    const auto open = text.find('(');
    call.name = trim(text.substr(0, open));
    if (open == std::string::npos) return call;
    require(text.back() == ')', "layer '" + text + "': missing ')'");
    std::stringstream args(text.substr(open + 1, text.size() - open - 2));
    std::string arg;
    while (std::getline(args, arg, ',')) {
        arg = trim(arg);
        if (arg == "frozen") {
            call.frozen = true;
        } else if (const auto eq = arg.find('='); eq != std::string::npos) {
            call.named.emplace_back(trim(arg.substr(0, eq)), to_int(trim(arg.substr(eq + 1)), text));
        } else {
            call.positional.push_back(to_int(arg, text));
        }
    }
    return call;
}

Layer to_layer(const Call& call, const std::string& text) {
    Layer layer;
    auto positional = [&](size_t count) {
        require(call.positional.size() == count,
                "layer '" + text + "': expects " + std::to_string(count) + " integer arguments");
    };
    if (call.name == "linear") {
        positional(2);
        layer.kind = LayerKind::Linear;
        layer.in = call.positional[0];
        layer.out = call.positional[1];
    } else if (call.name == "conv") {
        positional(3);
        layer.kind = LayerKind::Conv;
        layer.in = call.positional[0];
        layer.out = call.positional[1];
        layer.kernel = call.positional[2];
    } else if (call.name == "batchnorm") {
        positional(1);
        layer.kind = LayerKind::BatchNorm;
        layer.in = layer.out = call.positional[0];
    } else if (call.name == "maxpool") {
        positional(1);
        layer.kind = LayerKind::MaxPool;
        layer.kernel = call.positional[0];
    } else {
        positional(0);
        if (call.name == "flatten") layer.kind = LayerKind::Flatten;
        else if (call.name == "relu") layer.kind = LayerKind::Relu;
        else if (call.name == "tanh") layer.kind = LayerKind::Tanh;
        else if (call.name == "sigmoid") layer.kind = LayerKind::Sigmoid;
        else throw ArgumentError("unknown layer kind '" + call.name + "'");
    }
    for (const auto& [key, value] : call.named) {
        require(layer.kind == LayerKind::Conv && (key == "stride" || key == "pad"),
                "layer '" + text + "': unknown option '" + key + "'");
        (key == "stride" ? layer.stride : layer.pad) = value;
    }
    require(!call.frozen || layer.kind == LayerKind::Linear || layer.kind == LayerKind::Conv || layer.kind == LayerKind::BatchNorm,
            "layer '" + text + "': only linear, conv and batchnorm layers can be frozen");
    require(layer.kind != LayerKind::BatchNorm || layer.out > 0, "layer '" + text + "': channels must be positive");
    layer.frozen = call.frozen;
    require(layer.kind != LayerKind::Linear || (layer.in > 0 && layer.out > 0),
            "layer '" + text + "': sizes must be positive");
    require(layer.kind != LayerKind::Conv ||
                (layer.in > 0 && layer.out > 0 && layer.kernel > 0 && layer.stride > 0 && layer.pad >= 0),
            "layer '" + text + "': sizes must be positive");
    require(layer.kind != LayerKind::MaxPool || layer.kernel > 0,
            "layer '" + text + "': kernel must be positive");
    return layer;
}

}  // namespace

std::vector<Layer> parse_layers(const std::string& text) {
    std::vector<Layer> layers;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ';')) {
        item = trim(item);
        if (item.empty()) continue;
        layers.push_back(to_layer(parse_call(item), item));
    }
    require(!layers.empty(), "the model has no layers");
    return layers;
}

}  // namespace gs
