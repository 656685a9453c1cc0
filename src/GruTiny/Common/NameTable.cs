using System;
using System.Collections.Generic;

namespace GruTiny.Model;

/// <summary>An enum's names in a model file, both ways, in one table (activations, arithmetic operators).</summary>
internal sealed class NameTable<T>
    where T : struct, Enum
{
    private readonly (T Value, string Name)[] _table;

    public NameTable(params (T Value, string Name)[] table) => _table = table;

    /// <summary>The names in table order.</summary>
    public string[] Names
    {
        get
        {
            var names = new string[_table.Length];
            for (int i = 0; i < names.Length; i++) names[i] = _table[i].Name;
            return names;
        }
    }

    public bool TryParse(string? name, out T value)
    {
        foreach ((T v, string n) in _table)
        {
            if (n == name)
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The file's name of <paramref name="value"/>; a value outside the table is a bug, not a file error.</summary>
    public string Name(T value)
    {
        foreach ((T v, string n) in _table)
            if (EqualityComparer<T>.Default.Equals(v, value)) return n;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"No name for {typeof(T).Name}.{value}.");
    }
}
