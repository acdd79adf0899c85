// The window's security settings and handlers, driven through look-alikes of webContents and session (the
// Electron binary cannot run here).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { hardenContents, hardenSession, permissionAllowed, windowOptions, type ContentsLike, type SessionLike } from './window.ts';

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
  /** Emit a preventable event the way Electron does; true when a listener prevented it. */
  attempt(event: string, url?: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

describe('windowOptions', () => {
  it('isolates the page from Node', () => {
    const { webPreferences } = windowOptions('/app/preload.cjs');
    expect(webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
    expect(windowOptions('/p', { devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('hardenContents', () => {
  const setup = () => {
    const contents = new FakeContents();
    const opened: string[] = [];
    hardenContents(contents as unknown as ContentsLike, (url) => opened.push(url));
    return { contents, opened };
  };

  it('blocks navigation and redirects away from app://molscape/', () => {
    const { contents } = setup();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://evil/index.html', 'app://molscape.evil/', 'javascript:alert(1)', 'not a url']) {
      expect(contents.attempt('will-navigate', url), url).toBe(true);
      expect(contents.attempt('will-redirect', url), url).toBe(true);
    }
    expect(contents.attempt('will-navigate', 'app://molscape/index.html')).toBe(false);
  });

  it('refuses <webview>', () => {
    expect(setup().contents.attempt('will-attach-webview')).toBe(true);
  });

  it('denies every window.open; https links to documentation hosts go to the system browser, nothing else', () => {
    const { contents, opened } = setup();
    for (const url of ['https://pubchem.ncbi.nlm.nih.gov/', 'http://example.org/a', 'https://example.org/a', 'file:///etc/passwd', 'app://molscape/index.html', 'smb://host/share', 'javascript:alert(1)']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://pubchem.ncbi.nlm.nih.gov/']);
  });
});

describe('hardenSession', () => {
  type Handlers = { request?: (...a: unknown[]) => void; check?: (...a: unknown[]) => boolean; device?: (...a: unknown[]) => boolean };
  const setup = () => {
    const h: Handlers = {};
    const session = {
      setPermissionRequestHandler: (fn: Handlers['request']) => (h.request = fn),
      setPermissionCheckHandler: (fn: Handlers['check']) => (h.check = fn),
      setDevicePermissionHandler: (fn: Handlers['device']) => (h.device = fn),
    };
    hardenSession(session as unknown as SessionLike);
    return h;
  };
  const request = (h: Handlers, permission: string, requestingUrl: string) =>
    new Promise<boolean>((resolve) => h.request!({ getURL: () => requestingUrl }, permission, resolve, { requestingUrl }));

  it('denies permission requests: media, notifications, geolocation, fullscreen, openExternal...', async () => {
    const h = setup();
    for (const p of ['media', 'notifications', 'geolocation', 'fullscreen', 'openExternal', 'midiSysex', 'clipboard-read', 'display-capture', 'unknown']) {
      expect(await request(h, p, 'app://molscape/index.html'), p).toBe(false);
      expect(h.check!(null, p, 'app://molscape', {}), p).toBe(false);
    }
    expect(h.device!({})).toBe(false);
  });

  it('lets only our own page write to the clipboard', async () => {
    const h = setup();
    expect(await request(h, 'clipboard-sanitized-write', 'app://molscape/index.html')).toBe(true);
    expect(h.check!(null, 'clipboard-sanitized-write', 'app://molscape', {})).toBe(true);
    expect(await request(h, 'clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(h.check!(null, 'clipboard-sanitized-write', 'https://evil.example', {})).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://molscape.evil')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', null)).toBe(false);
  });
});
