// Desktop: the preload exposes exactly one frozen object, window.molscape, that forwards calls over IPC and
// hands dropped files' real paths back (the renderer is sandboxed and cannot see the file system itself).
import type { Transport } from '../../../main/api/client.ts';

export interface MolscapeBridge {
  call(name: string, args: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    molscape?: MolscapeBridge;
  }
}

export function createElectronTransport(bridge: MolscapeBridge): Transport {
  return {
    call: (name, args) => bridge.call(name, args),
    on: (event, listener) => bridge.on(event, listener),
  };
}
