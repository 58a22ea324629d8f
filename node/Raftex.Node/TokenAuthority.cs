using Grpc.Core;

namespace Raftex.Node;

/// <summary>
/// Bearer-token checks: the admin token for the Admin plane, and client tokens mapped to the accounts they may act on.
/// With no token file for a plane, that plane is open (and the node says so loudly at start-up and in status).
/// </summary>
internal sealed class TokenAuthority
{
    private readonly string? _adminToken;
    private readonly Dictionary<string, HashSet<ulong>?> _clients;

    public TokenAuthority(string? adminToken, Dictionary<string, HashSet<ulong>?>? clients)
    {
        _adminToken = adminToken;
        _clients = clients ?? [];
        ClientsOpen = clients is null;
    }

    public bool AdminOpen => _adminToken is null;

    public bool ClientsOpen { get; }

    public static TokenAuthority Load(string? adminTokenFile, string? clientTokensFile)
    {
        var admin = adminTokenFile is null ? null : ReadSecret(adminTokenFile);
        Dictionary<string, HashSet<ulong>?>? clients = null;
        if (clientTokensFile is not null)
        {
            clients = [];
            var n = 0;
            foreach (var raw in File.ReadAllLines(clientTokensFile))
            {
                n++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                var parts = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2)
                {
                    throw new ArgumentException($"{clientTokensFile}:{n}: expected 'token account[,account...]' or 'token *'");
                }

                if (parts[1].Trim() == "*")
                {
                    clients[parts[0]] = null;
                    continue;
                }

                var accounts = new HashSet<ulong>();
                foreach (var a in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!ulong.TryParse(a, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var account) || account == 0)
                    {
                        throw new ArgumentException($"{clientTokensFile}:{n}: '{a}' is not an account id");
                    }

                    accounts.Add(account);
                }

                clients[parts[0]] = accounts;
            }
        }

        return new TokenAuthority(admin, clients);
    }

    public static string ReadSecret(string path)
    {
        var secret = File.ReadAllText(path).Trim();
        return secret.Length == 0 ? throw new ArgumentException($"secret file {path} is empty") : secret;
    }

    public void RequireAdmin(ServerCallContext context)
    {
        if (_adminToken is null)
        {
            return;
        }

        if (Bearer(context) != _adminToken)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "admin token missing or wrong"));
        }
    }

    /// <summary>Throws UNAUTHENTICATED for an unknown token, PERMISSION_DENIED when the token does not cover the account.</summary>
    public void RequireAccount(ServerCallContext context, ulong account)
    {
        if (ClientsOpen)
        {
            return;
        }

        var accounts = Lookup(context);
        if (accounts is not null && !accounts.Contains(account))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"the token may not act on account {account}"));
        }
    }

    /// <summary>The accounts a caller's token covers (null = all), checking the token is known.</summary>
    public HashSet<ulong>? Lookup(ServerCallContext context)
    {
        if (ClientsOpen)
        {
            return null;
        }

        var token = Bearer(context);
        if (token is null || !_clients.TryGetValue(token, out var accounts))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "bearer token missing or unknown"));
        }

        return accounts;
    }

    /// <summary>The caller's client token (null while clients run open, or without one).</summary>
    public string? ClientToken(ServerCallContext context) => ClientsOpen ? null : Bearer(context);

    public static void Check(HashSet<ulong>? accounts, ulong account)
    {
        if (accounts is not null && !accounts.Contains(account))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"the token may not act on account {account}"));
        }
    }

    private static string? Bearer(ServerCallContext context)
    {
        var value = context.RequestHeaders.GetValue("authorization");
        return value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
    }
}
