// Browser mode's promises to a hostile or broken client, each against a real server over real sockets: the
// body cap (413 at once, the server alive, its memory not grown), the contract's bounds before any handler,
// header, request and body-idle timeouts, and the calls one connection and all of them may have open.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { calls, type CallName } from '../../main/api/contract.ts';
import { carriesUpload, defaultLimits } from './limits.ts';
import { unboundedParts } from './schema-bounds.ts';
import { startServer, type RunningServer } from './server.ts';
import { fakeCore, rawRequest } from './test-support.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'molscape-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A raw socket to the server; resolves with everything it received once the server closes it. */
function rawSocket(port: number): { socket: Socket; received: Promise<{ text: string; closedAfterMs: number }> } {
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  const received = new Promise<{ text: string; closedAfterMs: number }>((resolve) => {
    let text = '';
    socket.on('data', (d) => (text += String(d)));
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    socket.on('error', () => {});
  });
  return { socket, received };
}

const head = (server: RunningServer, call: string, extra: string) =>
  `POST /api/${call} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\n${extra}\r\n`;

/** Bytes the process holds outside the JS heap's small objects: buffers and strings of a body would show here. */
const heldBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('request body cap', () => {
  let server: RunningServer;
  const core = fakeCore();
  beforeAll(async () => {
    server = await startServer({ core, staticDir: dir });
  });
  afterAll(() => server.close());

  it('is a few MB for ordinary calls and the upload size only for the calls that carry a file', () => {
    expect(defaultLimits.maxBodyBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    const uploads = (Object.keys(calls) as CallName[]).filter(carriesUpload);
    expect(uploads.sort()).toEqual(['collections.import', 'collections.joinValues']);
  });

  it('refuses a declared 280 MiB latent.decode at once with 413, without reading it, and stays up', async () => {
    const before = heldBytes();
    const started = Date.now();
    const { socket, received } = rawSocket(server.port);
    socket.write(head(server, 'latent.decode', `Content-Length: ${280 * 1024 * 1024}\r\n`) + '{"z":[[0.1,0.2');
    const { text } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain(`at most ${defaultLimits.maxBodyBytes}`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(heldBytes() - before).toBeLessThan(32 * 1024 * 1024);
    expect((await rawRequest(server.port, { method: 'POST', path: '/api/app.info', headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(200);
  });

  it('stops a chunked body (no Content-Length) as soon as it passes the cap: 413, memory not grown, server alive', async () => {
    const before = heldBytes();
    const { socket, received } = rawSocket(server.port);
    socket.write(head(server, 'latent.decode', 'Transfer-Encoding: chunked\r\n'));
    // 64 MiB of one repeated 1 MiB chunk of numbers: the client holds 1 MiB, the server must hold no more than its cap
    const piece = Buffer.from('0.123456789,'.repeat(Math.floor((1024 * 1024) / 12)));
    const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    socket.write(Buffer.from('7\r\n{"z":[[\r\n'));
    let sent = 0;
    for (let i = 0; i < 64 && !socket.destroyed; i++) {
      const ok = socket.write(frame);
      sent++;
      if (!ok) await new Promise<void>((resolve) => { socket.once('drain', resolve); socket.once('close', resolve); });
    }
    const { text } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeGreaterThan(8);
    expect(heldBytes() - before).toBeLessThan(48 * 1024 * 1024);
    expect((await rawRequest(server.port, { method: 'POST', path: '/api/app.info', headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(200);
  });

  it('lets an upload call past the ordinary cap, and refuses the same body to an ordinary call', async () => {
    const base64 = Buffer.alloc(7 * 1024 * 1024, 1).toString('base64'); // ~9.3 MB of base64
    const auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
    const upload = await rawRequest(server.port, { method: 'POST', path: '/api/collections.import', headers: auth, body: JSON.stringify({ source: { kind: 'upload', fileName: 'a.smi', base64 } }) });
    expect(upload.status).toBe(200);
    const ordinary = await rawRequest(server.port, { method: 'POST', path: '/api/jobs.list', headers: auth, body: JSON.stringify({ padding: base64 }) });
    expect(ordinary.status).toBe(413);
  });
});

describe("the contract's bounds, before any handler", () => {
  it('every array and string of every call has a maximum', () => {
    const unbounded = (Object.keys(calls) as CallName[]).flatMap((name) => unboundedParts(calls[name].args, name));
    expect(unbounded).toEqual([]);
  });

  it('latent.decode with too many rows or too long a row is a 400 from the schema (the handler never runs)', async () => {
    const core = fakeCore();
    // were the handler reached, it would say so: the fake core has no latent.decode, so it would be a 500
    const server = await startServer({ core, staticDir: dir });
    try {
      const post = (body: unknown) =>
        rawRequest(server.port, { method: 'POST', path: '/api/latent.decode', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const rows = await post({ z: Array.from({ length: 5001 }, () => [0]) });
      expect(rows.status).toBe(400);
      expect((rows.json() as { error: string }).error).toMatch(/Invalid arguments for 'latent\.decode'.*\n?.*5000/s);
      const wide = await post({ z: [Array.from({ length: 4097 }, () => 0)] });
      expect(wide.status).toBe(400);
      expect((wide.json() as { error: string }).error).toMatch(/4096/);
    } finally {
      await server.close();
    }
  });
});

describe('timeouts', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      core: fakeCore(),
      staticDir: dir,
      limits: { headersTimeoutMs: 400, requestTimeoutMs: 1500, bodyIdleTimeoutMs: 400 },
      timeoutCheckMs: 100,
    });
  });
  afterAll(() => server.close());

  it('drops a client whose headers never finish (408)', async () => {
    const { socket, received } = rawSocket(server.port);
    socket.write(`POST /api/app.info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    const { text, closedAfterMs } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('drops a body that stalls after its headers (408), and the server answers the next client', async () => {
    const { socket, received } = rawSocket(server.port);
    socket.write(head(server, 'jobs.list', 'Content-Length: 100\r\n') + '{"a":');
    const { text, closedAfterMs } = await received;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/stalled/);
    expect(closedAfterMs).toBeLessThan(3000);
    expect((await rawRequest(server.port, { method: 'POST', path: '/api/app.info', headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(200);
  });

  it('drops a body that trickles on past the request timeout', async () => {
    const { socket, received } = rawSocket(server.port);
    socket.write(head(server, 'jobs.list', 'Content-Length: 1000\r\n'));
    // a byte every 200 ms: never idle long enough for the body timeout, but never done either
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    const { text, closedAfterMs } = await received;
    clearInterval(trickle);
    expect(text === '' || /^HTTP\/1\.1 408 /.test(text)).toBe(true);
    expect(closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(closedAfterMs).toBeLessThan(4000);
  });
});

describe('calls open at once', () => {
  /** A core whose jobs.list waits until released, counting how many run at once. */
  function slowCore() {
    const core = fakeCore();
    let running = 0;
    let most = 0;
    const waiters: (() => void)[] = [];
    (core.handlers as unknown as Record<string, () => Promise<unknown>>)['jobs.list'] = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => waiters.push(resolve));
      running--;
      return [];
    };
    return {
      core,
      most: () => most,
      started: () => waiters.length,
      releaseAll: () => waiters.splice(0).forEach((w) => w()),
    };
  }
  const waitFor = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('one connection may have 4 calls open; a fifth pipelined on it is answered 429', async () => {
    const slow = slowCore();
    const server = await startServer({ core: slow.core, staticDir: dir });
    try {
      const { socket, received } = rawSocket(server.port);
      const one = head(server, 'jobs.list', 'Content-Length: 2\r\n') + '{}';
      socket.write(one.repeat(5));
      await waitFor(() => slow.started() === 4);
      await new Promise((r) => setTimeout(r, 100));
      expect(slow.started()).toBe(4);
      slow.releaseAll();
      await waitFor(() => slow.started() === 0);
      setTimeout(() => socket.end(), 300);
      const { text } = await received;
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+) /g)].map((m) => Number(m[1]));
      expect(statuses.filter((s) => s === 200)).toHaveLength(4);
      expect(statuses).toContain(429);
    } finally {
      slow.releaseAll();
      await server.close();
    }
  });

  it('all connections together run a bounded number of calls, queue a bounded number more and refuse the rest (429)', async () => {
    const slow = slowCore();
    const server = await startServer({ core: slow.core, staticDir: dir, limits: { maxRunningCalls: 2, maxWaitingCalls: 2 } });
    try {
      const auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
      const answers = Array.from({ length: 6 }, () => rawRequest(server.port, { method: 'POST', path: '/api/jobs.list', headers: auth, body: '{}' }));
      await waitFor(() => slow.started() === 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(slow.started()).toBe(2);
      // the queued ones run as the first ones finish
      const release = setInterval(slow.releaseAll, 20);
      const statuses = (await Promise.all(answers)).map((a) => a.status).sort();
      clearInterval(release);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      expect(slow.most()).toBe(2);
    } finally {
      slow.releaseAll();
      await server.close();
    }
  });
});

describe('event sockets', () => {
  it('a client may hold a bounded number at once; one more is refused with 429, and a closed one frees its place', async () => {
    const server = await startServer({ core: fakeCore(), staticDir: dir, limits: { maxEventSockets: 2 } });
    const url = `ws://127.0.0.1:${server.port}/api/events?token=${server.token}`;
    const open = () =>
      new Promise<{ ws?: WebSocket; status?: number }>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.on('open', () => resolve({ ws }));
        ws.on('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode });
          ws.terminate();
        });
        ws.on('error', reject);
      });
    try {
      const a = await open();
      const b = await open();
      expect(a.ws && b.ws).toBeTruthy();
      expect((await open()).status).toBe(429);
      await new Promise<void>((resolve) => {
        a.ws!.once('close', () => resolve());
        a.ws!.close();
      });
      // the server sees the close a moment later
      let again = await open();
      for (let i = 0; i < 20 && again.status === 429; i++) {
        await new Promise((r) => setTimeout(r, 50));
        again = await open();
      }
      expect(again.ws).toBeTruthy();
      again.ws!.close();
      b.ws!.close();
    } finally {
      await server.close();
    }
  });
});

describe('the token in logs', () => {
  it('never appears in what the server logs, whatever fails', async () => {
    const server = await startServer({ core: fakeCore(), staticDir: dir });
    const logged: string[] = [];
    const original = { error: console.error, warn: console.warn, log: console.log, info: console.info };
    for (const k of ['error', 'warn', 'log', 'info'] as const) console[k] = (...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
    try {
      const auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
      // a handler that throws (500, logged), a static file that does not exist, a wrong token, a stalled call
      expect((await rawRequest(server.port, { method: 'POST', path: `/api/chem.depict?token=${server.token}`, headers: auth, body: '{"smiles":["C"]}' })).status).toBe(500);
      expect((await rawRequest(server.port, { path: `/missing.js?token=${server.token}` })).status).toBe(404);
      expect((await rawRequest(server.port, { method: 'POST', path: '/api/app.info', headers: { Authorization: `Bearer ${server.token}x` } })).status).toBe(401);
      expect((await rawRequest(server.port, { method: 'POST', path: `/api/nope?token=${server.token}`, headers: auth, body: '{}' })).status).toBe(404);
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.join('\n')).not.toContain(server.token);
    } finally {
      Object.assign(console, original);
      await server.close();
    }
  });
});
