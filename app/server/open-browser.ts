// `npm run serve -- --open`: the page opened in the user's browser without the token on any command line. A
// browser started with the address as its argument shows the token to every user of the machine (ps,
// /proc/PID/cmdline); as Jupyter does, the browser is given a file instead, readable by this user only, that
// forwards to the address.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A 0600 file in a fresh 0700 folder that sends the browser on to `url`; returns its path. */
export function writeRedirectFile(url: string, parent = tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, 'molscape-open-'));
  const file = path.join(dir, 'open.html');
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(
    file,
    `<!doctype html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0;url=${href}">\n<title>Opening Molscape</title>\n<p><a href="${href}">Open Molscape</a></p>\n`,
    { mode: 0o600 },
  );
  return file;
}

/** The command that opens a file in the default browser, with the file's URL as its only variable part. */
export function openerFor(platform: NodeJS.Platform, fileUrl: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [fileUrl]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', fileUrl]];
  return ['xdg-open', [fileUrl]];
}

export type Spawner = (command: string, args: string[]) => { on(event: 'error', listener: (err: Error) => void): unknown; unref(): void };

/**
 * Opens `url` in the default browser through a redirect file; returns the file and a clean-up (the file is
 * removed when the server stops). A browser that cannot be started is reported, not fatal: the address is printed.
 */
export function openInBrowser(
  url: string,
  o: { platform?: NodeJS.Platform; spawner?: Spawner; parent?: string; onError?: (err: Error) => void } = {},
): { file: string; remove(): void } {
  const file = writeRedirectFile(url, o.parent);
  const [command, args] = openerFor(o.platform ?? process.platform, pathToFileURL(file).href);
  const spawner: Spawner = o.spawner ?? ((c, a) => spawn(c, a, { stdio: 'ignore', detached: true }));
  const child = spawner(command, args);
  child.on('error', (err) => o.onError?.(err));
  child.unref();
  return { file, remove: () => rmSync(path.dirname(file), { recursive: true, force: true }) };
}
