using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GruTiny.Generator.Specs;

/// <summary>
/// A source location as plain values: a <see cref="Location"/> holds its syntax tree, which must not be kept
/// in the incremental pipeline (it would defeat caching and keep old compilations alive).
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}
