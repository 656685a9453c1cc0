using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using GruTiny;
using WordComplete;

// Completes words from their first letters with a character-level GRU compiled at build time.
//   WordComplete pre [con ...]   the five most likely completions of each prefix
//   WordComplete                 completions for a few fixed prefixes (compared with PyTorch's), next-character
//                                accuracy on 3,000 held-out words, and a few words sampled at temperature 0.8
//   WordComplete --weights T     the same, and the held-out accuracy and size of the model compiled with T weights
//                                (int8, float16 or all; WordModel.cs) beside the float32 model's
var vocabulary = Vocabulary.Load(Path.Combine(AppContext.BaseDirectory, "models", "vocabulary.txt"));
var ci = CultureInfo.InvariantCulture;
string? weights = null;
if (args is ["--weights", "int8" or "float16" or "all"])
{
    weights = args[1];
    args = [];
}

if (args.Length > 0)
{
    foreach (string prefix in args.Select(a => a.ToLowerInvariant()))
    {
        if (prefix.Length == 0 || prefix.Length >= BeamSearch.MaxLength || !vocabulary.IsWord(prefix))
        {
            Console.Error.WriteLine($"'{prefix}': give 1 to {BeamSearch.MaxLength - 1} letters a-z.");
            return 2;
        }

        Console.WriteLine($"{prefix}: {string.Join(" ", BeamSearch.Complete(prefix, vocabulary).Select(c => c.Word))}");
    }

    return 0;
}

// Expected results written by tools/train_words.py from the PyTorch model.
string[] expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "models", "expected.txt"));
string[] accuracyLine = expected[0].Split(' ');
double expectedTop1 = double.Parse(accuracyLine[1]["top1=".Length..], ci), expectedTop5 = double.Parse(accuracyLine[2]["top5=".Length..], ci);

Console.WriteLine($"WordModel: embedding {WordModel.VocabularySize}×{WordModel.EmbeddingSize}, GRU {WordModel.Layer1HiddenSize}, dense {WordModel.OutputSize} softmax; {WordModel.ParameterCount} parameters.");
Console.WriteLine();
int sameAsPyTorch = 0;
foreach (string line in expected.Skip(1))
{
    string prefix = line[..line.IndexOf(':')];
    string[] theirs = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    string[] ours = BeamSearch.Complete(prefix, vocabulary).Select(c => c.Word).ToArray();
    bool same = ours.SequenceEqual(theirs);
    sameAsPyTorch += same ? 1 : 0;
    Console.WriteLine($"  {prefix,-4} → {string.Join(" ", ours)}{(same ? "" : $"   (PyTorch: {string.Join(" ", theirs)})")}");
}

// Next-character accuracy on held-out words: each word is ^ w o r d $, fed from a zero state through Run.
string[] words = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "heldout.txt")).Where(w => w.Length > 0).ToArray();
var model = new WordModel();
var tokens = new int[BeamSearch.MaxLength + 1];
var outputs = new float[(BeamSearch.MaxLength + 1) * WordModel.OutputSize];
long positions = words.Sum(w => w.Length + 1L), steps = positions;
(double top1, double top5, long allocated) = Score<WordModel>(words, vocabulary); // Score allocates its buffers before it counts

// Latency of the model alone, once the JIT has optimised it: the held-out words again, three times, timing the last.
double nanosecondsPerStep = 0;
for (int pass = 0; pass < 3; pass++)
{
    long started = Stopwatch.GetTimestamp();
    foreach (string word in words)
    {
        int n = vocabulary.Tokens(word, tokens);
        model.Reset();
        model.Run(tokens.AsSpan(0, n), outputs.AsSpan(0, n * WordModel.OutputSize));
    }

    nanosecondsPerStep = Stopwatch.GetElapsedTime(started).TotalNanoseconds / steps;
}

bool agrees = Math.Abs(top1 - expectedTop1) <= 2e-4 && Math.Abs(top5 - expectedTop5) <= 2e-4;

// A few words the model invents: sampled one letter at a time at temperature 0.8, seed fixed.
ulong random = 2026;
var invented = new List<string>();
Span<float> probabilities = stackalloc float[WordModel.OutputSize];
for (int w = 0; w < 8; w++)
{
    var writer = new WordModel();
    writer.Step(Vocabulary.Start, probabilities);
    var letters = new System.Text.StringBuilder();
    while (letters.Length < BeamSearch.MaxLength)
    {
        probabilities[Vocabulary.Start] = 0; // never the start token again
        int token = TokenSampling.Sample(probabilities, 0.8f, ref random);
        if (token == Vocabulary.End) break;
        letters.Append(vocabulary.Symbols[token]);
        writer.Step(token, probabilities);
    }

    invented.Add(letters.ToString());
}

Console.WriteLine();
Console.WriteLine($"Completions identical to PyTorch's for {sameAsPyTorch} of {expected.Length - 1} prefixes.");
Console.WriteLine(string.Format(ci, "Next-character accuracy on {0} held-out words ({1} positions): top-1 {2:P2}, top-5 {3:P2} (PyTorch: {4:P2}, {5:P2}).",
    words.Length, positions, top1, top5, expectedTop1, expectedTop5));
Console.WriteLine($"Sampled at temperature 0.8: {string.Join(" ", invented)}");
Console.WriteLine(string.Format(ci, "Per character: {0:F0} ns (Run over each word, steady state). Bytes allocated while scoring (from the first call): {1}.", nanosecondsPerStep, allocated));
if (!agrees) Console.WriteLine("The accuracy differs from PyTorch's by more than 2e-4.");
bool sameCompletions = sameAsPyTorch == expected.Length - 1;
if (!sameCompletions) Console.WriteLine("Some completions differ from PyTorch's.");

// The model compiled with quantised weights, scored on the same words: what the smaller model costs in accuracy.
long quantizedAllocated = 0;
if (weights is not null)
{
    Console.WriteLine();
    Console.WriteLine("Weight types (the same model file, quantised at build time), next-character accuracy on the held-out words:");
    Console.WriteLine("                weight bytes   bytes/parameter   top-1     top-5");
    void Row(string name, int bytes, (double Top1, double Top5, long Allocated) score)
    {
        quantizedAllocated += score.Allocated;
        Console.WriteLine(string.Format(ci, "  {0,-12}  {1,12}   {2,15:F2}   {3,7:P2}   {4,7:P2}", name, bytes, (double)bytes / WordModel.ParameterCount, score.Top1, score.Top5));
    }

    Row("float32", WordModel.WeightBytes, (top1, top5, 0)); // its allocation is checked above
    if (weights is "float16" or "all") Row("float16", WordModelFloat16.WeightBytes, Score<WordModelFloat16>(words, vocabulary));
    if (weights is "int8" or "all") Row("int8", WordModelInt8.WeightBytes, Score<WordModelInt8>(words, vocabulary));
    Console.WriteLine($"Bytes allocated while scoring the quantised models (from the first call): {quantizedAllocated}.");
}

return allocated == 0 && quantizedAllocated == 0 && agrees && sameCompletions ? 0 : 1;

// Next-character top-1 and top-5 accuracy of a new model of type T over the words, and the bytes allocated.
static (double Top1, double Top5, long Allocated) Score<T>(string[] words, Vocabulary vocabulary) where T : struct, IGruTokenModel
{
    var model = new T();
    var tokens = new int[BeamSearch.MaxLength + 1];
    var outputs = new float[(BeamSearch.MaxLength + 1) * model.OutputSize];
    Span<int> top = stackalloc int[5];
    long positions = 0, correct1 = 0, correct5 = 0;
    long before = GC.GetAllocatedBytesForCurrentThread();
    foreach (string word in words)
    {
        int n = vocabulary.Tokens(word, tokens);
        model.Reset();
        model.Run(tokens.AsSpan(0, n), outputs.AsSpan(0, n * model.OutputSize));
        for (int i = 0; i < n; i++)
        {
            int target = i < word.Length ? tokens[i + 1] : Vocabulary.End;
            TokenSampling.TopK(outputs.AsSpan(i * model.OutputSize, model.OutputSize), top);
            correct1 += top[0] == target ? 1 : 0;
            correct5 += top.Contains(target) ? 1 : 0;
            positions++;
        }
    }

    return ((double)correct1 / positions, (double)correct5 / positions, GC.GetAllocatedBytesForCurrentThread() - before);
}
