using System.ComponentModel;
using System.Linq;
using System.Reflection;
using Xunit;

namespace GruTiny.Tests;

/// <summary>
/// The library's public surface: what users call is visible in the editor; what exists only for generated code
/// (GruTiny.Kernels) is public because generated code in the user's assembly calls it, and hidden from completion.
/// The exact list of public members is tracked by PublicAPI.*.txt (Microsoft.CodeAnalysis.PublicApiAnalyzers).
/// </summary>
public sealed class ApiSurfaceTests
{
    [Fact]
    public void Every_public_kernel_type_is_hidden_from_the_editor_and_no_user_type_is()
    {
        var types = typeof(IGruModel).Assembly.GetExportedTypes();
        var kernels = types.Where(t => t.Namespace == "GruTiny.Kernels").ToArray();
        Assert.NotEmpty(kernels);
        Assert.All(kernels, t => Assert.Equal(EditorBrowsableState.Never, t.GetCustomAttribute<EditorBrowsableAttribute>()?.State));
        Assert.All(types.Except(kernels), t => Assert.Null(t.GetCustomAttribute<EditorBrowsableAttribute>()));
        Assert.Contains(typeof(GruNetwork), types);
    }
}
