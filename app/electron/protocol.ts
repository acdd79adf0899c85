// The renderer served from app://molscape/ by the main process, never from file:// (which would give the page
// a file origin and the run of the disk). The Content-Security-Policy is set here as a response header, so the
// page cannot loosen it with a <meta> tag of its own.
import { readFile } from 'node:fs/promises';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { appHost, appScheme } from './channels.ts';

/**
 * Registered before the app is ready: a standard, secure scheme gets a real origin (app://molscape), so 'self'
 * in the CSP, fetch and relative URLs work as on https.
 */
export const schemePrivileges: CustomScheme[] = [
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
];

/**
 * Everything from our own origin, nothing inline, no eval, no framing. The renderer runs no WebAssembly (RDKit
 * runs in the main process), so not even 'wasm-unsafe-eval'. Depictions come as data: or blob: images.
 */
export function rendererCsp(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

const headers = (type: string): Record<string, string> => ({
  'Content-Type': type,
  'Content-Security-Policy': rendererCsp(),
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
});

const notFound = () => new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });

/** The file a request names inside root (no traversal, no symlink out), or null. '/' is index.html. */
export async function rendererFile(root: string, requestUrl: string): Promise<string | null> {
  let url: URL;
  let relative: string;
  try {
    url = new URL(requestUrl);
    relative = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost || relative.includes('\0')) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, relative.replace(/^[/\\]+/, '') || 'index.html');
  if (!full.startsWith(base + path.sep)) return null;
  try {
    const [realBase, real] = await Promise.all([realpath(base), realpath(full)]);
    if (!real.startsWith(realBase + path.sep) || !(await stat(real)).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

/** The protocol handler: GET/HEAD of files in the built renderer, with the CSP on every answer. */
export function rendererHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') });
    const file = await rendererFile(root, request.url);
    if (!file) return notFound();
    const type = types[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : await readFile(file), { status: 200, headers: headers(type) });
  };
}

export function serveRenderer(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(appScheme, rendererHandler(root));
}
