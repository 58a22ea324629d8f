using System.Net;

namespace Raftex.ApiServer.Tests;

/// <summary>A test CRD shaped like ExchangeCluster: defaults, ranges, enums, required fields, an immutable field, status and scale subresources.</summary>
internal static class Crds
{
    public const string Widget = """
    {
      "apiVersion": "apiextensions.k8s.io/v1",
      "kind": "CustomResourceDefinition",
      "metadata": { "name": "widgets.test.raftex.io" },
      "spec": {
        "group": "test.raftex.io",
        "scope": "Namespaced",
        "names": { "plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"], "categories": ["raftex"] },
        "versions": [{
          "name": "v1alpha1", "served": true, "storage": true,
          "subresources": { "status": {}, "scale": { "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector" } },
          "additionalPrinterColumns": [
            { "name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas" },
            { "name": "Phase", "type": "string", "jsonPath": ".status.phase" }
          ],
          "schema": { "openAPIV3Schema": {
            "type": "object",
            "properties": {
              "spec": {
                "type": "object",
                "required": ["image"],
                "properties": {
                  "replicas": { "type": "integer", "minimum": 1, "maximum": 9, "default": 3 },
                  "image": { "type": "string" },
                  "mode": { "type": "string", "enum": ["RaftAware", "Supervised"], "default": "RaftAware" },
                  "storage": {
                    "type": "object",
                    "default": {},
                    "x-kubernetes-validations": [{ "rule": "self == oldSelf", "message": "storage is immutable" }],
                    "properties": {
                      "size": { "type": "string", "default": "1Gi" },
                      "className": { "type": "string" }
                    }
                  },
                  "raft": {
                    "type": "object",
                    "properties": { "heartbeatMs": { "type": "integer", "default": 100 }, "electionMs": { "type": "integer", "default": 1000 } }
                  },
                  "labels": { "type": "object", "additionalProperties": { "type": "string" } }
                }
              },
              "status": {
                "type": "object",
                "properties": { "replicas": { "type": "integer" }, "phase": { "type": "string" }, "selector": { "type": "string" } }
              }
            }
          } }
        }]
      }
    }
    """;

    public static async Task InstallAsync(TestServer s)
    {
        var (code, body) = await s.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Widget);
        Assert.True(code == HttpStatusCode.Created, body?.ToJsonString());
    }

    public static string WidgetJson(string name, string spec) =>
        $$"""{"apiVersion":"test.raftex.io/v1alpha1","kind":"Widget","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";

    public const string Path = "/apis/test.raftex.io/v1alpha1/namespaces/default/widgets";
}
