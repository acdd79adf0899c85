// The browser-mode server's security and transport, with real HTTP and WebSocket requests against a real
// server (over a small hand-written core; main.test.ts runs the real core).
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from './server.ts';
import { fakeCore, rawRequest } from './test-support.ts';

let dir: string;
let server: RunningServer;
let core: ReturnType<typeof fakeCore>;
let port: number;
let auth: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'molscape-server-'));
  const staticDir = path.join(dir, 'dist');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Molscape</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("molscape");');
  writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(staticDir, 'link.txt'));
  core = fakeCore();
  server = await startServer({ core, staticDir, limits: { maxBodyBytes: 4096, maxUploadBodyBytes: 4096 } });
  port = server.port;
  auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (name: string, body: unknown, headers: Record<string, string> = auth) =>
  rawRequest(port, { method: 'POST', path: `/api/${name}`, headers, body: JSON.stringify(body) });

/** Open a WebSocket and report whether it opened or which status refused it. */
function wsOutcome(url: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}

describe('startServer', () => {
  it('gives a URL on 127.0.0.1 with a 32-byte base64url token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('binds 127.0.0.1 only: other local addresses refuse the connection', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const host of [...others, '::1']) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host, port }, () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(outcome, host).not.toBe('connected');
    }
    const ok = await rawRequest(port, { path: `/?token=${server.token}` });
    expect(ok.status).toBe(200);
  });
});

describe('token', () => {
  it('is required for API calls: none or wrong is 401, right is 200', async () => {
    expect((await post('app.info', {}, { 'Content-Type': 'application/json' })).status).toBe(401);
    expect((await post('app.info', {}, { Authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await post('app.info', {}, { Authorization: `Bearer ${server.token}x` })).status).toBe(401);
    const ok = await post('app.info', {});
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Molscape', host: 'test' });
  });

  it('is not taken from the cookie or the query for API calls', async () => {
    const cookie = `molscape_token_${port}=${server.token}`;
    expect((await post('app.info', {}, { Cookie: cookie })).status).toBe(401);
    const viaQuery = await rawRequest(port, { method: 'POST', path: `/api/app.info?token=${server.token}`, body: '{}' });
    expect(viaQuery.status).toBe(401);
  });

  it('is required for static files; ?token= sets an HttpOnly SameSite=Strict cookie that loads the assets', async () => {
    expect((await rawRequest(port, { path: '/' })).status).toBe(401);
    expect((await rawRequest(port, { path: '/?token=nope' })).status).toBe(401);
    expect((await rawRequest(port, { path: '/assets/app.js' })).status).toBe(401);
    expect((await rawRequest(port, { path: '/assets/app.js', headers: { Cookie: `molscape_token_${port}=nope` } })).status).toBe(401);
    // A cookie for another Molscape server (another port) does not count.
    expect((await rawRequest(port, { path: '/assets/app.js', headers: { Cookie: `molscape_token_1=${server.token}` } })).status).toBe(401);

    const page = await rawRequest(port, { path: `/?token=${server.token}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>Molscape</title>');
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toContain(`molscape_token_${port}=${server.token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');

    const asset = await rawRequest(port, { path: '/assets/app.js', headers: { Cookie: `other=1; molscape_token_${port}=${server.token}` } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.text).toBe('console.log("molscape");');
  });

  it('is required for the event socket: none or wrong is 401, right receives events', async () => {
    const base = `ws://127.0.0.1:${port}/api/events`;
    expect((await wsOutcome(base)).status).toBe(401);
    expect((await wsOutcome(`${base}?token=wrong`)).status).toBe(401);
    const { ws } = await wsOutcome(`${base}?token=${server.token}`);
    expect(ws).toBeDefined();
    const received = new Promise<unknown>((resolve) => ws!.once('message', (data) => resolve(JSON.parse(String(data)))));
    core.emit('collections.changed', { collectionId: 7 });
    expect(await received).toEqual({ event: 'collections.changed', payload: { collectionId: 7 } });
    ws!.close();
  });

  it('the cookie also opens the event socket', async () => {
    const { ws, status } = await wsOutcome(`ws://127.0.0.1:${port}/api/events`, { Cookie: `molscape_token_${port}=${server.token}` });
    expect(status).toBeUndefined();
    ws!.close();
  });
});

describe('Host and Origin', () => {
  const foreignHosts = (p: number) => ['evil.example', `evil.example:${p}`, `127.0.0.1:${p + 1}`, '127.0.0.1', `localhost.evil.example:${p}`];

  it('refuses a foreign Host (DNS rebinding) for API, static and socket', async () => {
    for (const host of foreignHosts(port)) {
      expect((await post('app.info', {}, { ...auth, Host: host })).status, host).toBe(403);
      expect((await rawRequest(port, { path: `/?token=${server.token}`, headers: { Host: host } })).status, host).toBe(403);
      expect((await wsOutcome(`ws://127.0.0.1:${port}/api/events?token=${server.token}`, { Host: host })).status, host).toBe(403);
    }
  });

  it('accepts localhost:PORT as well as 127.0.0.1:PORT', async () => {
    expect((await post('app.info', {}, { ...auth, Host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin for API, static and socket, and accepts our own', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
      expect((await post('app.info', {}, { ...auth, Origin: origin })).status, origin).toBe(403);
      expect((await rawRequest(port, { path: `/?token=${server.token}`, headers: { Origin: origin } })).status, origin).toBe(403);
      expect((await wsOutcome(`ws://127.0.0.1:${port}/api/events?token=${server.token}`, { Origin: origin })).status, origin).toBe(403);
    }
    expect((await post('app.info', {}, { ...auth, Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    const { ws } = await wsOutcome(`ws://127.0.0.1:${port}/api/events?token=${server.token}`, { Origin: `http://localhost:${port}` });
    expect(ws).toBeDefined();
    ws!.close();
  });
});

describe('API calls', () => {
  it('answers 404 for an unknown call', async () => {
    const res = await post('collections.explode', {});
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: "Unknown call 'collections.explode'." });
  });

  it('answers 400 with the schema message for invalid arguments, before any handler runs', async () => {
    const before = core.seen.length;
    const res = await post('jobs.list', { limit: -3 });
    expect(res.status).toBe(400);
    const { error } = res.json() as { error: string };
    expect(error).toContain("Invalid arguments for 'jobs.list'");
    expect(error).toContain('limit');
    const bad = await post('collections.import', { source: { kind: 'path', path: '' } });
    expect(bad.status).toBe(400);
    expect((bad.json() as { error: string }).error).toContain('source.path');
    expect(core.seen.length).toBe(before);
  });

  it('passes validated arguments with defaults to the handler; an empty body is {}', async () => {
    const res = await rawRequest(port, { method: 'POST', path: '/api/jobs.list', headers: auth });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([]);
    expect(core.seen.at(-1)).toEqual({ limit: 50 });
  });

  it('turns handler errors into {error} with a sensible status', async () => {
    const missing = await post('collections.get', { id: 9 });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'No collection 9.' });
    const broken = await post('chem.depict', { smiles: ['CCO'] });
    expect(broken.status).toBe(500);
    expect(broken.json()).toEqual({ error: 'depiction exploded' });
  });

  it('refuses malformed JSON (400), other content types (415), other methods (405), oversized bodies (413)', async () => {
    expect((await rawRequest(port, { method: 'POST', path: '/api/app.info', headers: auth, body: '{nope' })).status).toBe(400);
    const form = await rawRequest(port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { Authorization: auth.Authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    const get = await rawRequest(port, { path: '/api/app.info', headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const big = await post('collections.import', { source: { kind: 'upload', fileName: 'a.smi', base64: 'A'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect((big.json() as { error: string }).error).toMatch(/too large/);
    // The server still answers afterwards.
    expect((await post('app.info', {})).status).toBe(200);
  });

  it('allows uploads of ~300 MB by default and refuses a larger declared body before reading it', async () => {
    const big = await startServer({ core, staticDir: dir });
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: big.port }, () => {
          socket.write(
            `POST /api/collections.import HTTP/1.1\r\nHost: 127.0.0.1:${big.port}\r\nAuthorization: Bearer ${big.token}\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${400 * 1024 * 1024}\r\n\r\n{"source":`,
          );
        });
        let text = '';
        socket.on('data', (d) => (text += String(d)));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      const base64 = Buffer.alloc(15 * 1024 * 1024, 7).toString('base64');
      const upload = await rawRequest(big.port, {
        method: 'POST',
        path: '/api/collections.import',
        headers: { Authorization: `Bearer ${big.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ source: { kind: 'upload', fileName: 'big.smi', base64 } }),
      });
      expect(upload.status).toBe(200);
      expect((core.seen.at(-1) as { source: { base64: string } }).source.base64).toBe(base64);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain(`at most ${300 * 1024 * 1024}`);
    } finally {
      await big.close();
    }
  });
});

describe('headers and static files', () => {
  it('sends a strict CSP and nosniff on pages, assets, API answers and refusals', async () => {
    const responses = [
      await rawRequest(port, { path: `/?token=${server.token}` }),
      await rawRequest(port, { path: `/assets/app.js?token=${server.token}` }),
      await post('app.info', {}),
      await post('app.info', {}, {}),
      await rawRequest(port, { path: '/', headers: { Host: 'evil.example' } }),
    ];
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives['default-src']).toEqual(["'self'"]);
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(directives['img-src']).toEqual(["'self'", 'data:', 'blob:']);
      expect(directives['connect-src']).toContain(`ws://127.0.0.1:${port}`);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('never serves a file outside the static folder', async () => {
    const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/index.html%00.js', '/%E0%A4%A', '/link.txt'];
    for (const p of attempts) {
      const res = await rawRequest(port, { path: p, headers: { Cookie: `molscape_token_${port}=${server.token}` } });
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.text, p).not.toContain('TOP SECRET');
    }
    expect((await rawRequest(port, { path: `/missing.js?token=${server.token}` })).status).toBe(404);
  });
});
