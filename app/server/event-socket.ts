// The core's events on one WebSocket per page, at /api/events?token=TOKEN, as JSON {event, payload}. The
// upgrade passes the same gates as any request (Host, Origin, token) before a socket exists.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../../main/handlers/types.ts';

/** Returns null when the upgrade may proceed, or the status to refuse it with. */
export type UpgradeGate = (req: IncomingMessage, url: URL) => number | null;

const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Sockets with more than this unsent are too slow to keep up: they are closed, not buffered without end. */
const maxBuffered = 64 * 1024 * 1024;

/** `maxSockets`: event sockets open at once (a page needs one; a client opening more is refused with 429). */
export function attachEventSocket(server: Server, core: Core, port: number, gate: UpgradeGate, maxSockets = 32): { close(): void } {
  // The page never sends anything but pings: a small payload limit.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      refuse(socket, 400);
      return;
    }
    const status = gate(req, url) ?? (url.pathname !== '/api/events' ? 404 : wss.clients.size >= maxSockets ? 429 : null);
    if (status !== null) {
      refuse(socket, status);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', () => ws.terminate());
  });

  const unsubscribe = core.onEvent((event, payload) => {
    if (wss.clients.size === 0) return;
    const message = JSON.stringify({ event, payload });
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > maxBuffered) ws.terminate();
      else ws.send(message);
    }
  });

  return {
    close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
