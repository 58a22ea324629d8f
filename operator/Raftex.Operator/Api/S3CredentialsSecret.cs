using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>The Secret and keys holding S3 credentials.</summary>
[Description("A Secret holding S3 credentials.")]
public sealed class S3CredentialsSecret
{
    /// <summary>Default key of the access key id.</summary>
    public const string DefaultAccessKeyIdKey = "accessKeyId";

    /// <summary>Default key of the secret access key.</summary>
    public const string DefaultSecretAccessKeyKey = "secretAccessKey";

    [Required]
    [Description("Name of the Secret, in the namespace of the object that uses the store.")]
    [MinLength(1)]
    public string Name { get; set; } = string.Empty;

    [Description("Key of the access key id in the Secret.")]
    [DefaultValue(DefaultAccessKeyIdKey)]
    public string? AccessKeyIdKey { get; set; }

    [Description("Key of the secret access key in the Secret.")]
    [DefaultValue(DefaultSecretAccessKeyKey)]
    public string? SecretAccessKeyKey { get; set; }
}
