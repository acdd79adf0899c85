// The Molscape window and what its page may do: no Node, no navigation away, no new windows, no permissions.
// Functions over Electron objects passed in, so tests can hand them look-alikes.
import type { BrowserWindowConstructorOptions, HandlerDetails, Session, WebContents } from 'electron';
import { isAppUrl } from './channels.ts';

export function windowOptions(preload: string, opts: { devTools?: boolean } = {}): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Molscape',
    // Shown on ready-to-show, so the window never flashes empty.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A file dropped outside the page's drop zone must not make the window navigate to file://.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools ?? false,
    },
  };
}

/**
 * The only hosts a link may open in the system browser: documentation of what Molscape uses and computes. A page
 * that could open any URL could hand the OS a URL of its choosing (a phishing page, a download); the list keeps
 * shell.openExternal to reading material.
 */
export const documentationHosts: readonly string[] = [
  'www.rdkit.org',
  'rdkit.org',
  'onnxruntime.ai',
  'pubchem.ncbi.nlm.nih.gov',
  'www.ebi.ac.uk',
  'zinc.docking.org',
  'www.electronjs.org',
];

/**
 * Links a user may follow out of the app open in the system browser: https, a documentation host, no user
 * name or password, the default port. Nothing else leaves.
 */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.port === '' && u.username === '' && u.password === '' && documentationHosts.includes(u.hostname);
  } catch {
    return false;
  }
}

type Preventable = { preventDefault(): void };
type NavigationListener = (event: Preventable, url: string) => void;
export type ContentsLike = {
  on(event: 'will-navigate' | 'will-redirect', listener: NavigationListener): unknown;
  on(event: 'will-frame-navigate', listener: (details: Preventable & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: Pick<HandlerDetails, 'url'>) => { action: 'deny' }): void;
};

/**
 * Applied to every webContents the app creates (main.ts, on 'web-contents-created'): the page stays on
 * app://molscape/, window.open and target=_blank are denied (http(s) links go to the system browser), and no
 * <webview> can be attached.
 */
export function hardenContents(contents: ContentsLike, openExternal: (url: string) => void): void {
  const stayHome: NavigationListener = (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  // will-navigate is the main frame's only: a frame inside the page (were one ever made) stays home too
  contents.on('will-frame-navigate', (details) => stayHome(details, details.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Writing text to the clipboard (copy a SMILES) is the one permission our own page gets; every other request
 * (camera, notifications, geolocation, devices, fullscreen...) and every request from another origin is denied.
 */
const allowedPermissions = new Set(['clipboard-sanitized-write']);

/** True for our own origin given either as an origin (app://molscape) or as a URL of it. */
const fromApp = (urlOrOrigin: string | null | undefined): boolean =>
  typeof urlOrOrigin === 'string' && (isAppUrl(urlOrOrigin) || isAppUrl(`${urlOrOrigin}/`));

export function permissionAllowed(permission: string, requester: string | null | undefined): boolean {
  return allowedPermissions.has(permission) && fromApp(requester);
}

export type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>;

export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((contents: WebContents, permission, callback, details) => {
    callback(permissionAllowed(permission, details?.requestingUrl ?? contents?.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}
