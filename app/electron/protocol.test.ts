// The app:// protocol handler over real files, with the Fetch API's own Request and Response (as Electron's
// protocol.handle uses them).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererCsp, rendererHandler, schemePrivileges, serveRenderer } from './protocol.ts';

let dir: string;
let handler: (r: Request) => Promise<Response>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'molscape-protocol-'));
  mkdirSync(path.join(dir, 'dist', 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'dist', 'index.html'), '<!doctype html><title>Molscape</title>');
  writeFileSync(path.join(dir, 'dist', 'assets', 'app.js'), 'export {};');
  writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'dist', 'link.txt'));
  handler = rendererHandler(path.join(dir, 'dist'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rendererCsp', () => {
  it('is strict: self only, nothing inline, no eval (not even for wasm), no framing', () => {
    const directives = Object.fromEntries(rendererCsp().split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(rendererCsp()).not.toMatch(/unsafe|\*|https?:/);
  });
});

describe('rendererHandler', () => {
  it('serves the renderer with the CSP and nosniff on every answer', async () => {
    const page = await handler(new Request('app://molscape/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Molscape</title>');
    const js = await handler(new Request('app://molscape/assets/app.js'));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const missing = await handler(new Request('app://molscape/nope.js'));
    expect(missing.status).toBe(404);
    for (const res of [page, js, missing]) {
      expect(res.headers.get('content-security-policy')).toBe(rendererCsp());
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('never serves a file outside the renderer folder, nor for another host', async () => {
    for (const url of ['app://molscape/../secret.txt', 'app://molscape/%2e%2e/secret.txt', 'app://molscape/..%2fsecret.txt', 'app://molscape/assets/..%2f..%2fsecret.txt', 'app://molscape/link.txt', 'app://molscape/%00', 'app://other/index.html']) {
      const res = await handler(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('TOP SECRET');
    }
  });

  it('only answers GET and HEAD', async () => {
    expect((await handler(new Request('app://molscape/', { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handler(new Request('app://molscape/', { method: 'HEAD' }));
    expect(head.status).toBe(200);
  });
});

describe('serveRenderer', () => {
  it('registers the handler on the privileged app scheme', () => {
    const registered: string[] = [];
    serveRenderer({ handle: (scheme: string) => void registered.push(scheme) }, dir);
    expect(registered).toEqual(['app']);
    expect(schemePrivileges).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });
});
