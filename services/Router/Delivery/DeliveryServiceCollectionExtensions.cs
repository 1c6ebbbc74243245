using Microsoft.Extensions.Options;

namespace Gateway.Router.Delivery;

/// <summary>Registers the options of the delivery building blocks, validated at start.</summary>
internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Router:Transform</c> and <c>Router:SchemaRegistry</c> with validators that name
    /// each wrong key; a bad value stops the service at start.
    /// </summary>
    public static IHostApplicationBuilder AddRouterDelivery(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<TransformOptions>()
            .BindConfiguration(TransformOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TransformOptions>, TransformOptionsValidator>();
        builder.Services.AddOptions<SchemaRegistryOptions>()
            .BindConfiguration(SchemaRegistryOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SchemaRegistryOptions>, SchemaRegistryOptionsValidator>();
        return builder;
    }
}
