import { afterEach, describe, expect, it } from 'vitest';
import type { MolscapeBridge } from './electron-transport.ts';
import { detectPlatform } from './platform.ts';

afterEach(() => {
  delete window.molscape;
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

describe('detectPlatform', () => {
  it('uses the preload bridge on the desktop, sending dropped files by path', async () => {
    const calls: [string, unknown][] = [];
    const bridge: MolscapeBridge = {
      call: async (name, args) => (calls.push([name, args]), { jobId: 3 }),
      on: () => () => {},
      pathForFile: (file) => (file.name === 'made-in-page.smi' ? '' : `/home/chemist/${file.name}`),
    };
    window.molscape = bridge;
    const platform = detectPlatform();
    expect(platform.host).toBe('electron');
    expect(await platform.importSourceFor(new File(['CCO'], 'hits.sdf'))).toEqual({ kind: 'path', path: '/home/chemist/hits.sdf' });
    // A file with no path on disk goes as bytes.
    expect(await platform.importSourceFor(new File(['CCO\n'], 'made-in-page.smi'))).toEqual({ kind: 'upload', fileName: 'made-in-page.smi', base64: btoa('CCO\n') });
    await platform.client.call('jobs.get', { id: 3 });
    expect(calls).toEqual([['jobs.get', { id: 3 }]]);
  });

  it('in a browser, takes the token from the address, keeps it for the tab and clears the address', async () => {
    history.replaceState(null, '', '/?token=s3cret-token&view=1');
    const platform = detectPlatform();
    expect(platform.host).toBe('browser');
    expect(location.search).toBe('?view=1');
    expect(sessionStorage.getItem('molscape.token')).toBe('s3cret-token');
    expect(await platform.importSourceFor(new File(['c1ccccc1\n'], 'a.smi'))).toEqual({ kind: 'upload', fileName: 'a.smi', base64: btoa('c1ccccc1\n') });
    expect(typeof platform.onConnection).toBe('function');
  });

  it('refuses to start in a browser without a token, saying what address to use', () => {
    expect(() => detectPlatform()).toThrow(/needs the address Molscape printed/);
  });
});
