// The VM console's browser side: an xterm.js terminal wired to the portal's console WebSocket (binary frames both ways).
// xterm.js is vendored under /lib/xterm (no CDN); its UMD build defines globalThis.Terminal when imported.
import "../../lib/xterm/xterm.js";

function ensureStylesheet() {
    if (!document.querySelector("link[data-xterm]")) {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = new URL("lib/xterm/xterm.css", document.baseURI).href;
        link.dataset.xterm = "true";
        document.head.appendChild(link);
    }
}

export function open(element, vmId, dotnet) {
    ensureStylesheet();
    const terminal = new globalThis.Terminal({ convertEol: false, cursorBlink: true, rows: 20, scrollback: 2000 });
    terminal.open(element);

    const url = new URL(`api/v1/vms/${encodeURIComponent(vmId)}/console`, document.baseURI);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    const encoder = new TextEncoder();
    let disposed = false;
    const report = (state, reason) => {
        if (!disposed) {
            dotnet.invokeMethodAsync("OnStateAsync", state, reason ?? null).catch(() => { });
        }
    };

    report("Connecting", null);
    socket.onopen = () => {
        report("Connected", null);
        terminal.focus();
    };
    socket.onmessage = event => {
        terminal.write(typeof event.data === "string" ? event.data : new Uint8Array(event.data));
    };
    socket.onclose = event => {
        const reason = event.reason || (event.code === 1006
            ? "The portal refused or lost the connection."
            : `The console closed (code ${event.code}).`);
        report("Closed", reason);
    };
    const typed = terminal.onData(data => {
        if (socket.readyState === WebSocket.OPEN) {
            socket.send(encoder.encode(data));
        }
    });

    return {
        close() {
            socket.close(1000, "Disconnected by the viewer.");
        },
        dispose() {
            disposed = true;
            typed.dispose();
            if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
                socket.close(1000, "The viewer left the page.");
            }
            terminal.dispose();
        },
    };
}
