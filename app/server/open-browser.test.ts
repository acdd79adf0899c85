// --open gives the browser a file, not the address: the token is on no command line.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openInBrowser, openerFor } from './open-browser.ts';
import { newToken } from './security.ts';

const parent = mkdtempSync(path.join(tmpdir(), 'molscape-open-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('openInBrowser', () => {
  it('starts the browser on a private file that forwards to the address, the token on no command line', () => {
    const token = newToken();
    const url = `http://127.0.0.1:41000/?token=${token}`;
    const started: string[][] = [];
    const opened = openInBrowser(url, { platform: 'linux', parent, spawner: (c, a) => (started.push([c, ...a]), { on: () => {}, unref: () => {} }) });
    expect(started).toHaveLength(1);
    expect(started[0][0]).toBe('xdg-open');
    expect(started[0].join(' ')).not.toContain(token);
    expect(started[0][1]).toBe(`file://${opened.file}`);
    // only this user reads the file (and its folder)
    if (process.platform !== 'win32') {
      expect(statSync(opened.file).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(opened.file)).mode & 0o777).toBe(0o700);
    }
    expect(readFileSync(opened.file, 'utf8')).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`);
    opened.remove();
    expect(() => statSync(opened.file)).toThrow();
  });

  it('uses each platform’s opener with the file URL only', () => {
    expect(openerFor('darwin', 'file:///x/open.html')).toEqual(['open', ['file:///x/open.html']]);
    expect(openerFor('win32', 'file:///C:/x/open.html')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', 'file:///C:/x/open.html']]);
    expect(openerFor('linux', 'file:///x/open.html')).toEqual(['xdg-open', ['file:///x/open.html']]);
  });

  it('reports a browser that cannot be started instead of failing', () => {
    const errors: string[] = [];
    const opened = openInBrowser('http://127.0.0.1:1/?token=t', {
      platform: 'linux',
      parent,
      spawner: () => ({ on: (_e: 'error', l: (err: Error) => void) => l(new Error('spawn xdg-open ENOENT')), unref: () => {} }),
      onError: (err) => errors.push(err.message),
    });
    expect(errors).toEqual(['spawn xdg-open ENOENT']);
    opened.remove();
  });
});
