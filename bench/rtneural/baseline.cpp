// The RTNeural baseline of GruTiny's benchmarks: the six shapes of bench/GruTiny.Bench as RTNeural compile-time
// models (ModelT with GRULayerT and DenseT, Eigen backend), loaded from the same grutiny/1 files, checked against
// GruTiny's float64 reference, then timed on request. Built by bench/rtneural/build.sh; driven by the interleaved
// runner (dotnet run -c Release --project bench/GruTiny.Bench -- versus), see bench/README.md.
//
//   baseline check <data-dir>   every shape against <data-dir>/<shape>.check.txt; exit 1 on any disagreement
//   baseline serve <data-dir>   the same check, then one request per line on stdin, one answer per line on stdout:
//                                 info         -> the build's instruction set
//                                 time <shape> -> nanoseconds per step of one timed sample (>= 10 ms, after a
//                                                 tenth of it untimed to bring the weights into the caches)
//                                 quit
//
// <data-dir> holds <shape>.gru.json (the model) and <shape>.check.txt (written by the runner from GruTiny's
// float64 reference): a line "steps inputs outputs", then one line of inputs per step, then one line of expected
// outputs per step.
#include <RTNeural/RTNeural.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace
{
using json = nlohmann::json;
using Matrix = std::vector<std::vector<float>>;

Matrix readMatrix(const json& j) { return j.get<Matrix>(); }
std::vector<float> readVector(const json& j) { return j.get<std::vector<float>>(); }

// PyTorch's (and grutiny/1's) gate blocks are r, z, n by rows; RTNeural's setWVals/setUVals/setBVals take the
// transpose, with blocks z, r, n (torch_helpers.h swaps the first two the same way).
std::vector<std::vector<float>> gatesForRTNeural(const Matrix& rows, int hidden)
{
    const int columns = (int)rows[0].size();
    std::vector<std::vector<float>> out((size_t)columns, std::vector<float>(3 * (size_t)hidden));
    const int fromBlock[3] = { 1, 0, 2 }; // RTNeural block z <- PyTorch block 1, r <- 0, n <- 2
    for(int block = 0; block < 3; ++block)
        for(int unit = 0; unit < hidden; ++unit)
            for(int c = 0; c < columns; ++c)
                out[(size_t)c][(size_t)(block * hidden + unit)] = rows[(size_t)(fromBlock[block] * hidden + unit)][(size_t)c];
    return out;
}

std::vector<float> biasForRTNeural(const std::vector<float>& bias, int hidden)
{
    std::vector<float> out(bias.size());
    const int fromBlock[3] = { 1, 0, 2 };
    for(int block = 0; block < 3; ++block)
        for(int unit = 0; unit < hidden; ++unit)
            out[(size_t)(block * hidden + unit)] = bias[(size_t)(fromBlock[block] * hidden + unit)];
    return out;
}

void require(bool condition, const std::string& message)
{
    if(! condition)
        throw std::runtime_error(message);
}

template <int In, int Hidden>
void load(RTNeural::GRULayerT<float, In, Hidden>& layer, const json& j, const std::string& where)
{
    require(j.at("type") == "gru", where + ": expected a gru layer");
    require(j.at("hidden_size").get<int>() == Hidden, where + ": hidden_size differs from the compiled shape");
    // RTNeural's GRU applies the reset gate after the recurrent product (PyTorch's form, ONNX linear_before_reset 1).
    require(j.value("linear_before_reset", true), where + ": RTNeural's GRU has only the linear_before_reset form");
    const Matrix wih = readMatrix(j.at("weight_ih")), whh = readMatrix(j.at("weight_hh"));
    require((int)wih.size() == 3 * Hidden && (int)wih[0].size() == In, where + ": weight_ih is not [3H][in]");
    require((int)whh.size() == 3 * Hidden && (int)whh[0].size() == Hidden, where + ": weight_hh is not [3H][H]");
    layer.setWVals(gatesForRTNeural(wih, Hidden));
    layer.setUVals(gatesForRTNeural(whh, Hidden));
    std::vector<float> bih(3 * Hidden, 0.0f), bhh(3 * Hidden, 0.0f);
    if(j.contains("bias_ih")) bih = readVector(j.at("bias_ih"));
    if(j.contains("bias_hh")) bhh = readVector(j.at("bias_hh"));
    layer.setBVals({ biasForRTNeural(bih, Hidden), biasForRTNeural(bhh, Hidden) });
}

template <int In, int Out>
void load(RTNeural::DenseT<float, In, Out>& layer, const json& j, const std::string& where)
{
    require(j.at("type") == "dense", where + ": expected a dense layer");
    require(j.value("activation", std::string("linear")) == "linear", where + ": only linear dense layers are compiled here");
    const Matrix w = readMatrix(j.at("weight"));
    require((int)w.size() == Out && (int)w[0].size() == In, where + ": weight is not [out][in]");
    layer.setWeights(w);
    std::vector<float> b(Out, 0.0f);
    if(j.contains("bias")) b = readVector(j.at("bias"));
    layer.setBias(b.data());
}

struct CheckData
{
    int steps = 0, inputs = 0, outputs = 0;
    float* input = nullptr; // steps rows of `stride` floats, 64-byte aligned (RTNeural maps its input as aligned)
    int stride = 0;
    std::vector<double> expected;
};

struct Baseline
{
    virtual ~Baseline() = default;
    virtual double check(const CheckData& data, double& worst) = 0;
    virtual double time(const CheckData& data, long iterations) = 0;
};

template <typename Model>
struct BaselineOf final : Baseline
{
    std::unique_ptr<Model> model = std::make_unique<Model>(); // Eigen's fixed-size weights: up to ~800 KB

    template <size_t... Index>
    void loadAll(const json& layers, const std::string& file, std::index_sequence<Index...>)
    {
        require(layers.size() == sizeof...(Index), file + ": the layer count differs from the compiled shape");
        (load(model->template get<(int)Index>(), layers[Index], file + " layer " + std::to_string(Index)), ...);
    }

    static constexpr size_t LayerCount = std::tuple_size<std::remove_reference_t<decltype(std::declval<Model&>().getLayers())>>::value;

    BaselineOf(const json& description, const std::string& file)
    {
        require(description.at("input_size").get<int>() == Model::input_size, file + ": input_size differs from the compiled shape");
        loadAll(description.at("layers"), file, std::make_index_sequence<LayerCount> {});
        model->reset();
    }

    // The largest |y - ref| / max(1, |ref|) over every output of every step, from a reset model.
    double check(const CheckData& data, double& worst) override
    {
        require(data.inputs == Model::input_size && data.outputs == Model::output_size, "check data has other sizes than the model");
        model->reset();
        worst = 0;
        for(int s = 0; s < data.steps; ++s)
        {
            model->forward(data.input + (size_t)s * (size_t)data.stride);
            const float* y = model->getOutputs();
            for(int o = 0; o < data.outputs; ++o)
            {
                const double ref = data.expected[(size_t)s * (size_t)data.outputs + (size_t)o];
                const double error = std::abs((double)y[o] - ref) / std::max(1.0, std::abs(ref));
                if(! (error <= worst)) // a NaN output counts as infinitely wrong (std::max would drop it)
                    worst = std::isnan(error) ? INFINITY : error;
            }
        }
        model->reset();
        return worst;
    }

    // `iterations` steps over the check inputs in turn, the state carried on as in a stream; returns seconds.
    double time(const CheckData& data, long iterations) override
    {
        float sink = 0;
        const auto start = std::chrono::steady_clock::now();
        for(long i = 0; i < iterations;)
            for(int s = 0; s < data.steps && i < iterations; ++s, ++i)
                sink += model->forward(data.input + (size_t)s * (size_t)data.stride);
        const auto end = std::chrono::steady_clock::now();
        if(sink == 12345.678f) std::fputc(' ', stderr); // keeps the results live
        return std::chrono::duration<double>(end - start).count();
    }
};

template <typename Model>
std::unique_ptr<Baseline> make(const json& description, const std::string& file)
{
    return std::make_unique<BaselineOf<Model>>(description, file);
}

using RTNeural::DenseT;
using RTNeural::GRULayerT;
using RTNeural::ModelT;

// The six shapes of bench/GruTiny.Bench/Shapes.cs, by the name of their model file.
struct Shape
{
    const char* name;
    std::unique_ptr<Baseline> (*create)(const json&, const std::string&);
};

const Shape shapes[] = {
    { "in16_h16x1", make<ModelT<float, 16, 16, GRULayerT<float, 16, 16>>> },
    { "in8_h64x1_d4", make<ModelT<float, 8, 4, GRULayerT<float, 8, 64>, DenseT<float, 64, 4>>> },
    { "in64_h64x1", make<ModelT<float, 64, 64, GRULayerT<float, 64, 64>>> },
    { "in16_h128x1_d16", make<ModelT<float, 16, 16, GRULayerT<float, 16, 128>, DenseT<float, 128, 16>>> },
    { "in1_h32x2_d1", make<ModelT<float, 1, 1, GRULayerT<float, 1, 32>, GRULayerT<float, 32, 32>, DenseT<float, 32, 1>>> },
    { "in32_h256x2_d1", make<ModelT<float, 32, 1, GRULayerT<float, 32, 256>, GRULayerT<float, 256, 256>, DenseT<float, 256, 1>>> },
};

CheckData readCheckData(const std::string& path)
{
    std::ifstream file(path);
    require(file.good(), path + ": cannot be read (the runner writes it: dotnet run -c Release --project bench/GruTiny.Bench -- check-baseline)");
    CheckData data;
    file >> data.steps >> data.inputs >> data.outputs;
    require(file.good() && data.steps > 0 && data.inputs > 0 && data.outputs > 0, path + ": the first line is not \"steps inputs outputs\"");
    data.stride = (data.inputs + 15) / 16 * 16;
    data.input = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * (size_t)data.stride * (size_t)data.steps));
    std::fill(data.input, data.input + (size_t)data.stride * (size_t)data.steps, 0.0f);
    for(int s = 0; s < data.steps; ++s)
        for(int i = 0; i < data.inputs; ++i)
            file >> data.input[(size_t)s * (size_t)data.stride + (size_t)i];
    data.expected.resize((size_t)data.steps * (size_t)data.outputs);
    for(double& value : data.expected)
        file >> value;
    require(! file.fail(), path + ": fewer numbers than its first line says");
    return data;
}

json readModel(const std::string& path)
{
    std::ifstream file(path);
    require(file.good(), path + ": cannot be read");
    return json::parse(file);
}

const char* instructionSet()
{
#if defined(__AVX2__) && defined(__FMA__)
    return "AVX2+FMA (x86-64-v3)";
#elif defined(__SSE4_2__)
    return "SSE4.2 (128-bit, no FMA)";
#else
    return "baseline x86-64";
#endif
}

struct Loaded
{
    std::string name;
    std::unique_ptr<Baseline> baseline;
    CheckData data;
    long iterations = 0; // per timed sample, found on the first request
};

// The check every run starts with; prints one line per shape on stderr and returns false on any disagreement.
bool checkAll(std::vector<Loaded>& loaded)
{
    bool ok = true;
    for(Loaded& l : loaded)
    {
        double worst = 0;
        l.baseline->check(l.data, worst);
        const bool pass = worst <= 1e-5;
        ok = ok && pass;
        std::fprintf(stderr, "rtneural %s: %-16s worst |y - ref| / max(1, |ref|) over %d steps = %.3g %s\n", instructionSet(),
            l.name.c_str(), l.data.steps, worst, pass ? "(ok)" : "> 1e-5: DISAGREES with GruTiny's float64 reference");
    }
    return ok;
}

// Warms up, then doubles the count until one sample takes at least 10 ms.
long calibrate(Loaded& l)
{
    const auto warmStart = std::chrono::steady_clock::now();
    while(std::chrono::duration<double>(std::chrono::steady_clock::now() - warmStart).count() < 0.2)
        l.baseline->time(l.data, 1000);
    long n = 64;
    while(l.baseline->time(l.data, n) < 0.010)
        n *= 2;
    return n;
}
} // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc == 3 ? argv[1] : "";
    if(mode != "check" && mode != "serve")
    {
        std::fprintf(stderr, "usage: %s check|serve <data-dir>\n", argv[0]);
        return 2;
    }

    const std::string dir = argv[2];
    std::vector<Loaded> loaded;
    try
    {
        for(const Shape& shape : shapes)
        {
            const std::string model = dir + "/" + shape.name + ".gru.json";
            Loaded l;
            l.name = shape.name;
            l.baseline = shape.create(readModel(model), model);
            l.data = readCheckData(dir + "/" + shape.name + ".check.txt");
            loaded.push_back(std::move(l));
        }
    }
    catch(const std::exception& e)
    {
        std::fprintf(stderr, "rtneural: %s\n", e.what());
        return 1;
    }

    if(! checkAll(loaded))
        return 1;
    if(mode == "check")
        return 0;

    std::cout << "ready" << std::endl;
    std::string line;
    while(std::getline(std::cin, line))
    {
        std::istringstream request(line);
        std::string verb, name;
        request >> verb >> name;
        if(verb == "quit")
            break;
        if(verb == "info")
        {
            std::cout << instructionSet() << std::endl;
            continue;
        }
        auto it = std::find_if(loaded.begin(), loaded.end(), [&](const Loaded& l) { return l.name == name; });
        if(verb != "time" || it == loaded.end())
        {
            std::cout << "error: unknown request \"" << line << "\"" << std::endl;
            continue;
        }
        if(it->iterations == 0)
            it->iterations = calibrate(*it);
        it->baseline->time(it->data, it->iterations / 10); // the weights back into this core's caches, untimed
        const double seconds = it->baseline->time(it->data, it->iterations);
        std::printf("%.6f\n", seconds * 1e9 / (double)it->iterations);
        std::fflush(stdout);
    }
    return 0;
}
