using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Portal.Bench;

/// <summary>One database round trip EF Core made while capturing: which request (or background work) and what it sent.</summary>
public sealed record CapturedCommand(string Origin, string Kind, string Text);

/// <summary>
/// Counts the portal's database round trips while switched on, from EF Core's diagnostic events: every command executed
/// and every commit or rollback (Npgsql sends BEGIN with the transaction's first command, so it is no round trip of its
/// own). Each one is tagged with the HTTP request it ran under, or "(background)" for the fabric controller's loop.
/// Off, it costs one flag check per command.
/// </summary>
public sealed partial class SqlCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string Background = "(background)";
    private static readonly AsyncLocal<string?> CurrentRequest = new();
    private static volatile bool s_enabled;

    private readonly ConcurrentQueue<CapturedCommand> _commands = new();
    private readonly List<IDisposable> _subscriptions = [];

    public SqlCapture()
    {
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public void Start()
    {
        _commands.Clear();
        s_enabled = true;
    }

    public IReadOnlyList<CapturedCommand> Stop()
    {
        s_enabled = false;
        return [.. _commands];
    }

    public void Dispose()
    {
        s_enabled = false;
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
            _subscriptions.Clear();
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.EntityFrameworkCore")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name => s_enabled && (name.EndsWith(".CommandExecuted", StringComparison.Ordinal)
                    || name.EndsWith(".TransactionCommitted", StringComparison.Ordinal)
                    || name.EndsWith(".TransactionRolledBack", StringComparison.Ordinal))));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (!s_enabled)
        {
            return;
        }

        var origin = CurrentRequest.Value ?? Background;
        if (value.Key.EndsWith(".CommandExecuted", StringComparison.Ordinal))
        {
            // CommandExecutedEventData, read by reflection: the bench does not reference EF Core's diagnostics types.
            var command = value.Value?.GetType().GetProperty("Command")?.GetValue(value.Value) as DbCommand;
            _commands.Enqueue(new CapturedCommand(origin, "command", command?.CommandText ?? "?"));
        }
        else if (value.Key.EndsWith(".TransactionCommitted", StringComparison.Ordinal))
        {
            _commands.Enqueue(new CapturedCommand(origin, "COMMIT", ""));
        }
        else if (value.Key.EndsWith(".TransactionRolledBack", StringComparison.Ordinal))
        {
            _commands.Enqueue(new CapturedCommand(origin, "ROLLBACK", ""));
        }

        // Anything else is not a round trip. It arrives when another subscriber of the same listener enabled it
        // (OpenTelemetry's EF Core instrumentation, as HGS's service defaults add it): a listener writes to every subscriber.
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    /// <summary>"POST /api/fabric/v1/jobs/{id}/steps": the request a command ran under, ids folded so requests group.</summary>
    public static string Describe(string method, string path) => $"{method} {Guids().Replace(path, "{id}")}";

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guids();

    /// <summary>Runs first in the portal's pipeline and names the request for the commands it causes.</summary>
    public sealed class RequestTagStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Async, so the tag ends with the request and never leaks to the next one on the connection.
            app.Use(async (http, nextMiddleware) =>
            {
                if (s_enabled)
                {
                    CurrentRequest.Value = Describe(http.Request.Method, http.Request.Path.Value ?? "");
                }

                await nextMiddleware(http);
            });
            next(app);
        };
    }
}
