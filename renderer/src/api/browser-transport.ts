// Browser mode: calls are POST /api/<name> with the per-run token as a Bearer header; events arrive on one
// WebSocket at /api/events?token=..., as JSON {event, payload}. The socket is opened on the first subscription
// and reopened with a growing delay if the server drops it, so a listener never has to resubscribe.
import { ApiError, type Transport } from '../../../main/api/client.ts';

export interface BrowserTransportOptions {
  token: string;
  /** Origin the page was served from, e.g. http://127.0.0.1:5123 (defaults to location.origin). */
  origin?: string;
}

export interface BrowserTransport extends Transport {
  /** Whether the event socket is up; told on every change. Returns the unsubscribe function. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

export function createBrowserTransport({ token, origin = location.origin }: BrowserTransportOptions): BrowserTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: WebSocket | null = null;
  let retryDelay = 250;

  const connect = () => {
    const url = new URL('/api/events', origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryDelay = 250;
      for (const listener of connectionListeners) listener(true);
    };
    ws.onmessage = (message) => {
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        console.warn('Molscape: ignored an event that is not JSON');
        return;
      }
      if (typeof parsed.event !== 'string') return;
      for (const listener of listeners.get(parsed.event) ?? []) listener(parsed.payload);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const listener of connectionListeners) listener(false);
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  };

  return {
    async call(name, args) {
      const response = await fetch(new URL(`/api/${encodeURIComponent(name)}`, origin), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(args ?? {}),
      });
      const text = await response.text();
      const body = parseJson(text);
      if (!response.ok) {
        const message = isErrorBody(body) ? body.error : `${name} failed: HTTP ${response.status} ${text.slice(0, 200)}`;
        throw new ApiError(message, response.status);
      }
      return body;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!socket) connect();
      return () => set.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const isErrorBody = (body: unknown): body is { error: string } =>
  typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string';
