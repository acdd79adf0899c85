// Serving the built renderer: a URL path is turned into a file strictly inside the static folder (no `..`, no
// encoded traversal, no NUL, no symlink pointing out), with a content type from a short fixed table.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const contentType = (file: string): string => types[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The file a URL path names inside root, or null when the path is malformed or would leave root. Purely
 * lexical; see staticFile for the symlink check. '/' is index.html.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded.replace(/^[/\\]+/, '') || 'index.html';
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  return full.startsWith(base + path.sep) ? full : null;
}

/** A regular file inside root (after following symlinks), or null. */
export async function staticFile(root: string, urlPath: string): Promise<string | null> {
  const lexical = resolveInside(root, urlPath);
  if (!lexical) return null;
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(lexical)]);
    if (!real.startsWith(realRoot + path.sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** Stream a file found by staticFile; headers already set on res (security, cookie) are kept. */
export async function sendFile(res: ServerResponse, file: string, headOnly: boolean): Promise<void> {
  const { size } = await stat(file);
  res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': size });
  if (headOnly) {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
}
