// What the preload exposes to the page as window.molscape: exactly one frozen object with three functions.
// Built from ipcRenderer and webUtils passed in so it can be tested without Electron; preload.ts wires the
// real ones. Types only from Electron: this file ends up in the sandboxed preload bundle.
import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron';
import { callChannel, eventChannel, grantChannel, type IpcReply } from './channels.ts';

export interface MolscapeBridge {
  /** Run one contract call. Resolves with its result; rejects with an Error carrying the core's message. */
  call(name: string, args?: unknown): Promise<unknown>;
  /** Listen to one event of the contract; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * The path on disk of a File dropped onto the page, for collections.import, once the main process has granted
   * the core that one file; '' when it has none or it cannot be granted (the page then sends its bytes).
   */
  pathForFile(file: File): string;
}

export function createBridge(
  ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener' | 'sendSync'>,
  webUtils: Pick<WebUtils, 'getPathForFile'>,
): Readonly<MolscapeBridge> {
  return Object.freeze({
    async call(name: string, args?: unknown): Promise<unknown> {
      if (typeof name !== 'string') throw new TypeError('molscape.call: the call name must be a string.');
      const reply = (await ipcRenderer.invoke(callChannel, name, args ?? {})) as IpcReply;
      if (reply.ok) return reply.result;
      // contextBridge copies an Error's message (and stack) into the page, not other properties: the status
      // stays on this side; the page sees the core's message as is.
      throw Object.assign(new Error(reply.error), { status: reply.status });
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || typeof listener !== 'function') throw new TypeError('molscape.on(event, listener)');
      // Only the payload crosses over: the IpcRendererEvent (with its sender) never reaches the page.
      const forward = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
        if (name === event) listener(payload);
      };
      ipcRenderer.on(eventChannel, forward);
      return () => {
        ipcRenderer.removeListener(eventChannel, forward);
      };
    },
    pathForFile(file: File): string {
      // The page can only hand us File objects, and only one the user dropped or picked has a path: so the page
      // cannot make the main process grant a path of its choosing. The path is granted here, in the preload,
      // never from a string the page passes.
      const path = webUtils.getPathForFile(file);
      if (!path) return '';
      return ipcRenderer.sendSync(grantChannel, path) === true ? path : '';
    },
  });
}

/** The one name the page sees. */
export const bridgeKey = 'molscape';
