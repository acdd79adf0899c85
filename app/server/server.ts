// Browser mode: the contract over HTTP + WebSocket on 127.0.0.1, for one user's browser on this machine.
//
// How the token works (what the renderer relies on):
//   - The page is opened at  http://127.0.0.1:PORT/?token=TOKEN  (a fresh 32-byte base64url token per run).
//   - Static files (the built renderer) need the token too. A GET with a valid ?token= is answered normally AND
//     sets the cookie `molscape_token_PORT=TOKEN; HttpOnly; SameSite=Strict; Path=/`, so the page's own scripts,
//     styles and images load without carrying the token. No redirect: the page keeps ?token= in its URL.
//   - API calls: POST /api/<call name>, JSON body (the call's arguments, `{}` when empty), header
//     `Authorization: Bearer TOKEN`. The cookie is NOT accepted for API calls: the renderer reads the token from
//     `location.search` once (it may then drop it from the address bar with history.replaceState and keep it in
//     memory / sessionStorage) and sends the header on every call.
//     Answers: 200 with the call's result as JSON; otherwise a JSON {error: message} with 400 (invalid
//     arguments, the schema's message), 401 (no/wrong token), 403 (foreign Host or Origin), 404 (unknown call),
//     405, 408 (the body stalled), 413 (body over the limit), 415 (not JSON), 429 (too many calls at once, with
//     Retry-After), or the handler's own status / 500.
//   - Limits (limits.ts): 8 MiB per body (300 MiB for the calls that carry an upload), headers within 20 s, the
//     whole request within 5 min, a body idle for 15 s dropped, 4 calls open per connection, 16 running at once
//     (256 more wait in line), 256 connections, 32 event sockets. Every array and string in the contract has a bound, checked by
//     the schema before a handler runs.
//   - Events: a WebSocket at  ws://127.0.0.1:PORT/api/events?token=TOKEN  (the cookie is also accepted there,
//     since browsers cannot set headers on a WebSocket); each message is JSON {event, payload}.
//   - Every request (API, static, upgrade) must carry Host 127.0.0.1:PORT or localhost:PORT (DNS rebinding) and,
//     when it has an Origin, our own origin; otherwise 403.
//   - Every response carries a strict Content-Security-Policy (nothing inline, no eval, no framing) and nosniff.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCallName } from '../../main/api/contract.ts';
import type { Core } from '../../main/handlers/types.ts';
import { errorMessage, HttpError, readJsonBody, runCall } from './api-calls.ts';
import { bodyLimit, CallGate, defaultLimits, type Limits } from './limits.ts';
import { attachEventSocket } from './event-socket.ts';
import {
  bearerToken,
  cookieName,
  cookieValue,
  hostAllowed,
  newToken,
  originAllowed,
  securityHeaders,
  tokenCookie,
  tokenMatches,
} from './security.ts';
import { sendFile, staticFile } from './static-files.ts';

export interface ServerOptions {
  core: Core;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (renderer/dist). */
  staticDir: string;
  /** Defaults to a fresh random token. */
  token?: string;
  /** Defaults: defaultLimits. */
  limits?: Partial<Limits>;
  /** How often Node looks for requests past their header or request timeout (tests make it short). */
  timeoutCheckMs?: number;
}

export interface RunningServer {
  /** The URL to open: http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  token: string;
  port: number;
  /** Stops listening, drops open connections and sockets. Does not close the core: its owner does. */
  close(): Promise<void>;
}

/** The only address ever bound: nothing else on the network can reach the server. */
export const loopback = '127.0.0.1';

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/**
 * MOLSCAPE_WALK_TRACE=1 or 2 (as for walk.ts's lines): one `http-trace` line on stderr per latent.walk call, its
 * time in this server from reaching the handler to the response flushed, so bench:slider can set the page's
 * time for a call against the server's share of it.
 */
const WALK_TRACE = process.env.MOLSCAPE_WALK_TRACE === '1' || process.env.MOLSCAPE_WALK_TRACE === '2';

/** Writes a walk call's http-trace line once its response is flushed (see WALK_TRACE). */
function traceWalk(res: ServerResponse, raw: unknown): void {
  const t0 = performance.now();
  const args = raw as { prefetch?: unknown; offsets?: unknown } | null;
  const prefetch = args?.prefetch === true;
  const offsets = Array.isArray(args?.offsets) ? args.offsets.length : 0;
  res.once('finish', () => console.error(`http-trace ${JSON.stringify({ prefetch, offsets, ms: +(performance.now() - t0).toFixed(2) })}`));
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { core, staticDir } = options;
  const token = options.token ?? newToken();
  const limits: Limits = { ...defaultLimits, ...options.limits };
  const gate = new CallGate(limits);
  let port = options.port ?? 0;

  /** Host and Origin gates shared by requests and upgrades: a status to refuse with, or null. */
  const foreign = (req: IncomingMessage): number | null =>
    hostAllowed(req.headers.host, port) && originAllowed(req.headers.origin, port) ? null : 403;

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (pathname === '/api/events') return sendJson(res, 426, { error: 'Connect to /api/events with a WebSocket.' });
    if (!tokenMatches(token, bearerToken(req.headers.authorization))) {
      return sendJson(res, 401, { error: 'Missing or wrong token: send Authorization: Bearer TOKEN.' });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'API calls are POST requests.' }, { Allow: 'POST' });
    let name: string;
    try {
      name = decodeURIComponent(pathname.slice('/api/'.length));
    } catch {
      return sendJson(res, 404, { error: 'Unknown call.' });
    }
    // Refuse an unknown call before reading what may be a large body.
    if (!isCallName(name)) return sendJson(res, 404, { error: `Unknown call '${name}'.` });
    const socket = req.socket;
    if (!gate.openOn(socket)) return refuseBody(req, res, 429, `Too many calls at once on one connection (at most ${limits.maxCallsPerConnection}): wait for an answer.`);
    try {
      let raw: unknown;
      try {
        raw = await readJsonBody(req, bodyLimit(name, limits), limits.bodyIdleTimeoutMs);
      } catch (err) {
        return refuseBody(req, res, err instanceof HttpError ? err.status : 400, errorMessage(err));
      }
      if (WALK_TRACE && name === 'latent.walk') traceWalk(res, raw);
      // the schema's bounds are checked here, before the call waits for a turn or any handler work
      const entered = gate.enter();
      if (!entered) return sendJson(res, 429, { error: 'Too many calls at once: try again in a moment.' }, { 'Retry-After': '1' });
      const release = await entered;
      try {
        const reply = await runCall(core.handlers, name, raw);
        sendJson(res, reply.status, reply.body);
      } finally {
        release();
      }
    } finally {
      gate.closeOn(socket);
    }
  }

  /** Answer a request whose body is refused or unread, and close its connection so the rest is not sent. */
  function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
    if (!req.complete) res.setHeader('Connection', 'close');
    sendJson(res, status, { error: message }, status === 429 ? { 'Retry-After': '1' } : {});
    if (req.complete) return;
    // a stalled body is dropped outright; an oversized one is discarded as it comes until the socket closes
    if (status === 408) res.once('finish', () => req.socket.destroy());
    else req.resume();
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'Only GET and HEAD here.' }, { Allow: 'GET, HEAD' });
    const fromQuery = tokenMatches(token, url.searchParams.get('token'));
    if (!fromQuery && !tokenMatches(token, cookieValue(req.headers.cookie, cookieName(port)))) {
      return sendJson(res, 401, { error: 'Missing or wrong token: open the URL Molscape printed, with its ?token=.' });
    }
    if (fromQuery) res.setHeader('Set-Cookie', tokenCookie(port, token));
    const file = await staticFile(staticDir, url.pathname);
    if (!file) return sendJson(res, 404, { error: `Not found: ${url.pathname}` });
    await sendFile(res, file, req.method === 'HEAD');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(securityHeaders(port))) res.setHeader(k, v);
    const refused = foreign(req);
    if (refused) return sendJson(res, refused, { error: 'Foreign Host or Origin: Molscape only answers its own page on 127.0.0.1.' });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${loopback}:${port}`);
    } catch {
      return sendJson(res, 400, { error: 'Malformed URL.' });
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url.pathname);
    return handleStatic(req, res, url);
  }

  const server = createServer({ connectionsCheckingInterval: options.timeoutCheckMs ?? 1000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('molscape: request failed:', err);
      if (!res.headersSent) sendJson(res, 500, { error: errorMessage(err) });
      else res.destroy();
    });
  });
  // a client that sends its headers or its request slowly (or never finishes) is answered 408 and dropped
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, loopback, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const events = attachEventSocket(server, core, port, (req, url) => {
    const refused = foreign(req);
    if (refused) return refused;
    const given = url.searchParams.get('token') ?? cookieValue(req.headers.cookie, cookieName(port));
    return tokenMatches(token, given) ? null : 401;
  }, limits.maxEventSockets);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${loopback}:${port}/?token=${token}`,
    token,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
