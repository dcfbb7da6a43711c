using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Portal.Testing;

namespace Portal.E2E.Tests.ScaleOut;

/// <summary>
/// Debian's nginx in front of the portal processes, shaped like deploy/nginx.conf (ip_hash, WebSocket upgrades passed,
/// a dead upstream skipped) but run by the test: one process (no daemon, no master), a generated config, logs and temp
/// files in a folder of its own, on a free loopback port. Every response names the upstream that answered it.
/// </summary>
public sealed class ReverseProxy : IAsyncDisposable
{
    /// <summary>The upstream(s) nginx tried for a response, e.g. "127.0.0.1:5001" or "127.0.0.1:5001, 127.0.0.1:5002".</summary>
    public const string UpstreamHeader = "X-Portal-Upstream";

    private const string Nginx = "/usr/sbin/nginx";

    private readonly string _folder;
    private ChildProcess? _process;

    private ReverseProxy(string folder) => _folder = folder;

    public Uri Address { get; private set; } = default!;

    public string ErrorLog => ReadShared(Path.Combine(_folder, "error.log"));

    /// <summary>Every request passed so far: its path and the upstream(s) nginx sent it to.</summary>
    public IReadOnlyList<(string Path, string Upstream)> Requests() =>
        [.. ReadShared(Path.Combine(_folder, "access.log"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 4))
            .Where(fields => fields.Length == 4)
            .Select(fields => (fields[1], fields[3]))];

    public static async Task<ReverseProxy> StartAsync(string folder, IEnumerable<Uri> upstreams, TimeSpan timeout)
    {
        Directory.CreateDirectory(folder);
        var proxy = new ReverseProxy(folder);
        try
        {
            await proxy.StartAsync(upstreams, timeout);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task StartAsync(IEnumerable<Uri> upstreams, TimeSpan timeout)
    {
        if (!File.Exists(Nginx))
        {
            throw new InvalidOperationException($"{Nginx} is missing: apt-get install -y nginx-light (test.sh installs it).");
        }

        var port = FreePort();
        var config = Path.Combine(_folder, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(port, upstreams));
        _process = ChildProcess.Start("nginx", Nginx, ["-p", _folder, "-c", config, "-e", Path.Combine(_folder, "error.log")]);
        Address = new Uri($"http://127.0.0.1:{port}/");
        await Eventually.Async(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx stopped at start:\n{_process.Output}\n{ErrorLog}");
            }

            return await AcceptsAsync(port);
        }, timeout, "nginx to listen");
    }

    private string Config(int port, IEnumerable<Uri> upstreams)
    {
        var servers = string.Join("\n", upstreams.Select(u => $"        server {u.Authority} max_fails=1 fail_timeout=10s;"));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process off;
            pid {{_folder}}/nginx.pid;
            error_log {{_folder}}/error.log warn;

            events {
                worker_connections 1024;
            }

            http {
                log_format upstream '$request_method $uri $status $upstream_addr';
                access_log {{_folder}}/access.log upstream;
                client_body_temp_path {{_folder}}/client-body;
                proxy_temp_path {{_folder}}/proxy;
                fastcgi_temp_path {{_folder}}/fastcgi;
                uwsgi_temp_path {{_folder}}/uwsgi;
                scgi_temp_path {{_folder}}/scgi;

                map $http_upgrade $connection_upgrade {
                    default upgrade;
                    ''      close;
                }

                upstream portal {
                    ip_hash;
            {{servers}}
                    keepalive 32;
                }

                server {
                    listen 127.0.0.1:{{port}};
                    client_max_body_size 2g;

                    location / {
                        proxy_pass http://portal;
                        proxy_http_version 1.1;
                        proxy_set_header Host $http_host;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_read_timeout 1h;
                        proxy_send_timeout 1h;
                        proxy_request_buffering off;
                        proxy_next_upstream error timeout http_502 http_503;
                        add_header {{UpstreamHeader}} $upstream_addr always;
                    }
                }
            }
            """);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string ReadShared(string file)
    {
        if (!File.Exists(file))
        {
            return "";
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
