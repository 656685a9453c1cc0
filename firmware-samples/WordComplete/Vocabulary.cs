using System;
using System.IO;

namespace WordComplete;

/// <summary>The model's tokens: one symbol per id, read from models/vocabulary.txt ("^$abc…z").</summary>
internal sealed class Vocabulary
{
    public const int Start = 0, End = 1;

    private Vocabulary(string symbols) => Symbols = symbols;

    public string Symbols { get; }

    public static Vocabulary Load(string path)
    {
        string symbols = File.ReadAllText(path).Trim();
        if (symbols.Length != WordModel.VocabularySize || symbols[Start] != '^' || symbols[End] != '$')
            throw new InvalidDataException($"{path}: expected {WordModel.VocabularySize} symbols starting with ^ and $.");
        return new Vocabulary(symbols);
    }

    public int Id(char c)
    {
        int id = Symbols.IndexOf(c, 2);
        return id >= 2 ? id : throw new ArgumentException($"'{c}' is not in the vocabulary (a-z).");
    }

    /// <summary>The start token, then <paramref name="word"/>'s letters, into <paramref name="tokens"/>; returns how many (the word's length + 1).</summary>
    public int Tokens(string word, Span<int> tokens)
    {
        tokens[0] = Start;
        for (int i = 0; i < word.Length; i++) tokens[i + 1] = Id(word[i]);
        return word.Length + 1;
    }

    public bool IsWord(string text)
    {
        foreach (char c in text)
            if (Symbols.IndexOf(c, 2) < 2) return false;
        return true;
    }
}
