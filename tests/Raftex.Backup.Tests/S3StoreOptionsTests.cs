namespace Raftex.Backup.Tests;

public sealed class S3StoreOptionsTests
{
    [Fact]
    public void A_full_location_gives_bucket_prefix_endpoint_region_and_path_style()
    {
        var options = S3StoreOptions.FromLocation("s3://raftex-backups/prod/eu-1?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1&pathStyle=true", "id", "secret");
        Assert.Equal("raftex-backups", options.Bucket);
        Assert.Equal("prod/eu-1", options.Prefix);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), options.Endpoint);
        Assert.Equal("eu-west-1", options.Region);
        Assert.True(options.ForcePathStyle);
        Assert.Equal("id", options.AccessKeyId);
        Assert.Equal("secret", options.SecretAccessKey);
        Assert.Equal("s3://raftex-backups/prod/eu-1", options.Location);
    }

    [Fact]
    public void An_unescaped_endpoint_and_a_bare_bucket_parse_with_the_defaults()
    {
        var options = S3StoreOptions.FromLocation("s3://bucket?endpoint=http://127.0.0.1:9000", "id", "secret");
        Assert.Equal("bucket", options.Bucket);
        Assert.Equal(string.Empty, options.Prefix);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), options.Endpoint);
        Assert.Equal("us-east-1", options.Region);
        Assert.False(options.ForcePathStyle);
        Assert.Equal("s3://bucket", options.Location);
        Assert.Null(S3StoreOptions.FromLocation("s3://bucket/p/", "id", "secret").Endpoint);
        Assert.Equal("p", S3StoreOptions.FromLocation("s3://bucket/p/", "id", "secret").Prefix);
    }

    [Theory]
    [InlineData("s3://ab/p", "must have 3 to 63 characters")]
    [InlineData("s3://Backups/p", "only lower-case letters")]
    [InlineData("s3://-backups/p", "start and end with a letter or digit")]
    [InlineData("s3://backups//p", "empty segment")]
    [InlineData("s3://backups/p?endpoint=not-a-url", "endpoint 'not-a-url' is not an absolute URL")]
    [InlineData("s3://backups/p?endpoint=ftp://127.0.0.1:21", "must be an absolute http:// or https:// URL")]
    [InlineData("s3://backups/p?pathStyle=yes", "pathStyle 'yes' is neither true nor false")]
    [InlineData("s3://backups/p?region=", "region must not be empty")]
    [InlineData("s3://backups/p?bucket=other", "parameter 'bucket' is not one of endpoint, region, pathStyle")]
    [InlineData("gs://backups/p", "does not start with s3://")]
    public void A_malformed_location_is_refused_naming_what_is_wrong(string location, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => S3StoreOptions.FromLocation(location, "id", "secret"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "secret", S3StoreOptions.AccessKeyIdVariable)]
    [InlineData("", "secret", S3StoreOptions.AccessKeyIdVariable)]
    [InlineData("id", null, S3StoreOptions.SecretAccessKeyVariable)]
    [InlineData("id", "", S3StoreOptions.SecretAccessKeyVariable)]
    public void A_missing_credential_is_refused_naming_its_variable(string? id, string? secret, string variable)
    {
        var e = Assert.Throws<ArgumentException>(() => S3StoreOptions.FromLocation("s3://backups/p", id, secret));
        Assert.Contains($"set {variable}", e.Message, StringComparison.Ordinal);
        Assert.Contains("s3://backups/p", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_part_size_below_the_s3_minimum_is_refused()
    {
        var options = new S3StoreOptions { Bucket = "backups", AccessKeyId = "id", SecretAccessKey = "secret", PartSize = 1 << 20 };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("below S3's minimum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_description_of_the_options_never_holds_the_secret()
    {
        var options = S3StoreOptions.FromLocation("s3://backups/p?endpoint=http://127.0.0.1:9000", "id", "very-secret-value");
        Assert.DoesNotContain("very-secret-value", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("s3://backups/p", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_takes_an_s3_location_with_credentials_from_the_environment()
    {
        var saved = (Environment.GetEnvironmentVariable(S3StoreOptions.AccessKeyIdVariable), Environment.GetEnvironmentVariable(S3StoreOptions.SecretAccessKeyVariable));
        try
        {
            Environment.SetEnvironmentVariable(S3StoreOptions.AccessKeyIdVariable, "from-env-id");
            Environment.SetEnvironmentVariable(S3StoreOptions.SecretAccessKeyVariable, "from-env-secret");
            using var store = Assert.IsType<S3BackupStore>(BackupStores.Open("s3://backups/team/a?endpoint=http://127.0.0.1:9000&pathStyle=true"));
            Assert.Equal("s3://backups/team/a", store.Location);
            Assert.Equal("s3://backups/team/a/b1", store.LocationOf("b1"));
            Assert.Equal("from-env-id", store.Options.AccessKeyId);
            Assert.Equal("from-env-secret", store.Options.SecretAccessKey);

            Environment.SetEnvironmentVariable(S3StoreOptions.SecretAccessKeyVariable, null);
            var e = Assert.Throws<ArgumentException>(() => BackupStores.Open("s3://backups/team/a"));
            Assert.Contains($"set {S3StoreOptions.SecretAccessKeyVariable}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(S3StoreOptions.AccessKeyIdVariable, saved.Item1);
            Environment.SetEnvironmentVariable(S3StoreOptions.SecretAccessKeyVariable, saved.Item2);
        }
    }

    [Fact]
    public void Open_refuses_an_upper_case_s3_scheme_and_unknown_schemes()
    {
        Assert.Contains("s3://bucket/prefix", Assert.Throws<ArgumentException>(() => BackupStores.Open("S3://backups/p")).Message, StringComparison.Ordinal);
        Assert.Contains("scheme 'gs' is not one of file, s3", Assert.Throws<ArgumentException>(() => BackupStores.Open("gs://backups/p")).Message, StringComparison.Ordinal);
    }
}
