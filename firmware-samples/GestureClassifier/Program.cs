using System;
using System.IO;
using System.Text.Json;
using GestureClassifier;

// Classifies the held-out recordings tools/train_gesture.py wrote with the compiled bidirectional GRU, checks every
// class probability against PyTorch's (within 1e-4 of itself: the small ones too, where a wrong logit shows), that
// the stack overload gives the same bits as the workspace one, and that classifying allocated nothing; exits 1 if
// any fails. Each recording is a whole sequence: RunFinal with a workspace allocated once, up front.
string[] classes;
float[][] recordings;
int[] labels;
float[][] expected;
using (JsonDocument data = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "gestures.json"))))
{
    JsonElement root = data.RootElement;
    classes = new string[root.GetProperty("classes").GetArrayLength()];
    int c = 0;
    foreach (JsonElement name in root.GetProperty("classes").EnumerateArray()) classes[c++] = name.GetString()!;
    int count = root.GetProperty("sequences").GetArrayLength(), i = 0;
    recordings = new float[count][];
    labels = new int[count];
    expected = new float[count][];
    foreach (JsonElement sequence in root.GetProperty("sequences").EnumerateArray())
    {
        var values = new System.Collections.Generic.List<float>();
        foreach (JsonElement row in sequence.GetProperty("inputs").EnumerateArray())
            foreach (JsonElement v in row.EnumerateArray()) values.Add(v.GetSingle());
        recordings[i] = values.ToArray();
        labels[i] = sequence.GetProperty("label").GetInt32();
        expected[i] = new float[GestureModel.OutputSize];
        int k = 0;
        foreach (JsonElement p in sequence.GetProperty("probabilities").EnumerateArray()) expected[i][k++] = p.GetSingle();
        i++;
    }
}

var model = new GestureModel();
int steps = recordings[0].Length / GestureModel.InputSize;
var workspace = new float[GestureModel.WorkspaceLength(steps)];
var probabilities = new float[recordings.Length * GestureModel.OutputSize];
var onStack = new float[recordings.Length * GestureModel.OutputSize];

// Classify every recording; nothing is printed here, so the allocation count is the model's alone.
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (int pass = 0; pass < 20; pass++)
{
    for (int i = 0; i < recordings.Length; i++)
    {
        model.RunFinal(recordings[i], probabilities.AsSpan(i * GestureModel.OutputSize, GestureModel.OutputSize), workspace);
        model.RunFinal(recordings[i], onStack.AsSpan(i * GestureModel.OutputSize, GestureModel.OutputSize)); // 48 steps fit on the stack (StackSteps)
    }
}

long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

int correct = 0;
double worst = 0;
for (int i = 0; i < recordings.Length; i++)
{
    ReadOnlySpan<float> p = probabilities.AsSpan(i * GestureModel.OutputSize, GestureModel.OutputSize);
    int best = 0;
    for (int k = 0; k < p.Length; k++)
    {
        double error = Math.Abs(p[k] - expected[i][k]) / Math.Max(1e-30, Math.Abs(expected[i][k]));
        worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
        if (p[k] > p[best]) best = k;
    }

    if (best == labels[i]) correct++;
    if (i % 12 == 0) Console.WriteLine($"recording {i,2}: {classes[labels[i]],-6} → {classes[best],-6} ({p[best]:P1})");
}

Console.WriteLine();
Console.WriteLine($"GestureModel: {GestureModel.InputSize} inputs × {steps} steps, {GestureModel.Layer0HiddenSize} GRU units each way, {GestureModel.ParameterCount} parameters; workspace {workspace.Length} floats, StackSteps {GestureModel.StackSteps}.");
bool sameBits = probabilities.AsSpan().SequenceEqual(onStack);
Console.WriteLine($"Accuracy {correct}/{recordings.Length}; worst difference from PyTorch {worst:E2} × |p| (allowed 1e-4); the stack overload gives the same bits: {sameBits}.");
Console.WriteLine($"Bytes allocated while classifying (from the first call): {allocated}.");
return allocated == 0 && worst <= 1e-4 && sameBits ? 0 : 1;
