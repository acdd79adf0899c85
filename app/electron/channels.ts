// Names shared by the main process (ipc.ts) and the preload (bridge.ts). No Electron import here: the
// preload bundle and the tests both load this file.

/** Where the renderer is served from (protocol.ts); the only origin whose frames may call the core. */
export const appScheme = 'app';
export const appHost = 'molscape';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

/** ipcRenderer.invoke(callChannel, name, args) -> IpcReply */
export const callChannel = 'molscape:call';
/** webContents.send(eventChannel, eventName, payload) */
export const eventChannel = 'molscape:event';
/**
 * ipcRenderer.sendSync(grantChannel, path) -> boolean: the preload tells the main process the path of a file the
 * user dropped on the window (webUtils.getPathForFile, which only a real dropped or picked File has), so the
 * core will read that one file (ipc.ts bindGrants). Synchronous: the grant is in place before the page can use
 * the path in a call.
 */
export const grantChannel = 'molscape:grant-dropped-file';

/**
 * What a call answers over IPC. An envelope rather than a thrown error: ipcMain.handle rewrites thrown messages
 * ("Error invoking remote method ...") and drops every other property, the status included.
 */
export type IpcReply = { ok: true; result: unknown } | { ok: false; status: number; error: string };

/** True for a URL of our own renderer (app://molscape/...), false for anything else, malformed included. */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return u.protocol === `${appScheme}:` && u.host === appHost && url.startsWith(`${appOrigin}/`);
  } catch {
    return false;
  }
}
