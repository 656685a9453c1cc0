using System;
using System.Collections.Generic;

namespace WordComplete;

/// <summary>
/// The most likely completions of a prefix, as tools/train_words.py computes them: feed ^ and the prefix; each
/// round expand every unfinished beam with every token but ^ ($ ends a word; a 12-letter word may only end);
/// score = sum of ln p; keep the best <c>width</c> of finished and new beams (ties by the word); stop when all
/// kept beams are finished. Each beam carries its own copy of the model's state: the model is a struct, so a
/// copy is an assignment.
/// </summary>
internal static class BeamSearch
{
    public const int MaxLength = 12;

    private sealed record Beam(double Score, string Word, bool Done, WordModel State, float[]? Probabilities);

    public static List<(string Word, double Score)> Complete(string prefix, Vocabulary vocabulary, int width = 5)
    {
        var model = new WordModel();
        var probabilities = new float[WordModel.OutputSize];
        model.Step(Vocabulary.Start, probabilities);
        foreach (char c in prefix) model.Step(vocabulary.Id(c), probabilities);

        var beams = new List<Beam> { new(0, prefix, false, model, probabilities) };
        while (beams.Exists(b => !b.Done))
        {
            var pool = new List<(double Score, string Word, bool Done, Beam Parent)>();
            foreach (Beam beam in beams)
            {
                if (beam.Done) { pool.Add((beam.Score, beam.Word, true, beam)); continue; }
                for (int t = 1; t < WordModel.VocabularySize; t++)
                {
                    if (t != Vocabulary.End && beam.Word.Length >= MaxLength) continue;
                    double score = beam.Score + Math.Log(Math.Max((double)beam.Probabilities![t], 1e-45));
                    pool.Add(t == Vocabulary.End ? (score, beam.Word, true, beam) : (score, beam.Word + vocabulary.Symbols[t], false, beam));
                }
            }

            pool.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score)
                : string.CompareOrdinal(a.Word, b.Word) is var byWord && byWord != 0 ? byWord : a.Done.CompareTo(b.Done));
            beams = new List<Beam>();
            foreach (var (score, word, done, parent) in pool.GetRange(0, Math.Min(width, pool.Count)))
            {
                if (done) { beams.Add(new Beam(score, word, true, default, null)); continue; }
                WordModel state = parent.State; // a copy: the parent's state stays as it was for its other children
                var next = new float[WordModel.OutputSize];
                state.Step(vocabulary.Id(word[^1]), next);
                beams.Add(new Beam(score, word, false, state, next));
            }
        }

        return beams.ConvertAll(b => (b.Word, b.Score));
    }
}
