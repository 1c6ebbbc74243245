using Gateway.Router.Delivery;

namespace Gateway.Router;

/// <summary>Finds and compiles the transformation of a destination.</summary>
internal static class DestinationTransform
{
    /// <summary>
    /// Compiles <c>Transform</c> or the file <c>TransformFile</c> names; null when neither is set.
    /// Throws <see cref="FormatException"/> for a bad script and <see cref="IOException"/> for a
    /// file that cannot be read.
    /// </summary>
    public static EventTransformer? Compile(DestinationOptions settings, string contentRoot, TransformOptions limits)
    {
        var source = settings.Transform;
        if (source is null && settings.TransformFile is { } file)
        {
            source = File.ReadAllText(Path.Combine(contentRoot, file));
        }

        return source is null ? null : EventTransformer.Compile(source, limits);
    }
}
