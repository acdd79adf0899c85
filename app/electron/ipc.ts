// The contract over Electron IPC: one channel for every call (ipcMain.handle), one for every event
// (webContents.send). Only frames of our own renderer (app://molscape/) are answered, and every argument goes
// through the contract's schema (checkCall) before a handler runs.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { checkCall } from '../../main/api/validate.ts';
import type { GrantedPaths } from '../../main/handlers/path-policy.ts';
import type { CallName } from '../../main/api/contract.ts';
import type { Core } from '../../main/handlers/types.ts';
import { callChannel, eventChannel, grantChannel, isAppUrl, type IpcReply } from './channels.ts';

/** The status for an error a handler threw: its own numeric status, 404 for a NotFoundError, else 500. */
export function errorStatus(err: unknown): number {
  const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; name?: unknown };
  for (const s of [e.status, e.statusCode]) if (typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599) return s;
  return e.name === 'NotFoundError' ? 404 : 500;
}

/** Answer one call from one frame. Never throws. */
export async function answerCall(core: Core, event: Pick<IpcMainInvokeEvent, 'senderFrame'>, name: unknown, args: unknown): Promise<IpcReply> {
  // senderFrame is null once the frame navigated away or was destroyed: nobody we know is asking.
  let url: string | undefined;
  try {
    url = event.senderFrame?.url;
  } catch {
    url = undefined;
  }
  if (!isAppUrl(url)) return { ok: false, status: 403, error: 'Refused: only the Molscape window may call the core.' };
  if (typeof name !== 'string') return { ok: false, status: 400, error: 'The call name must be a string.' };
  const checked = checkCall(name, args);
  if (!checked.ok) return { ok: false, status: checked.status, error: checked.message };
  const handler = core.handlers[checked.name as CallName] as (args: unknown) => Promise<unknown>;
  try {
    return { ok: true, result: await handler(checked.args) };
  } catch (err) {
    const status = errorStatus(err);
    if (status >= 500) console.error(`molscape: call '${name}' failed:`, err);
    return { ok: false, status, error: err instanceof Error ? err.message : String(err) };
  }
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Bind every call on callChannel and forward every core event to the window's webContents. `target` is asked
 * on each event, so a window re-created later (macOS dock click) keeps receiving them. Returns the unbind.
 */
export function bindIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, core: Core, target: () => EventTarget | null): () => void {
  ipcMain.handle(callChannel, (event, name: unknown, args: unknown) => answerCall(core, event, name, args));
  const unsubscribe = core.onEvent((name, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(eventChannel, name, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(callChannel);
  };
}

/**
 * Files dropped on the window become grants of the core's path policy (read only, that file only): asked by
 * the preload's pathForFile (bridge.ts), answered synchronously with whether the file was granted. Only our own
 * frame is heard, and only a path to an existing regular file is granted (GrantedPaths.grantFile). A renderer
 * compromised below JavaScript could send any path here; the sandbox is what stands against that.
 */
export function bindGrants(ipcMain: Pick<IpcMain, 'on' | 'removeListener'>, paths: Pick<GrantedPaths, 'grantFile'>): () => void {
  const listener = (event: Pick<IpcMainEvent, 'senderFrame' | 'returnValue'>, path: unknown) => {
    let url: string | undefined;
    try {
      url = event.senderFrame?.url;
    } catch {
      url = undefined;
    }
    event.returnValue = isAppUrl(url) && typeof path === 'string' && paths.grantFile(path, 'read') !== null;
  };
  ipcMain.on(grantChannel, listener as never);
  return () => {
    ipcMain.removeListener(grantChannel, listener as never);
  };
}
