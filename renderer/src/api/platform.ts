// What differs between the two hosts, in one place: how calls travel, and how a file the chemist chose
// becomes an import source (its path on the desktop; its bytes in a browser, which cannot see paths).
import { createClient, type ApiClient } from '../../../main/api/client.ts';
import type { ImportSource } from '../../../main/api/contract.ts';
import { createBrowserTransport } from './browser-transport.ts';
import { createElectronTransport } from './electron-transport.ts';
import { readToken, withoutToken } from './token.ts';
import { fileToBase64 } from '../lib/file-bytes.ts';

export interface Platform {
  client: ApiClient;
  host: 'electron' | 'browser';
  importSourceFor(file: File): Promise<ImportSource>;
  /** Browser mode only: the event socket going down (server stopped) and up again. */
  onConnection?: (listener: (connected: boolean) => void) => () => void;
}

export function detectPlatform(): Platform {
  const bridge = window.molscape;
  if (bridge) {
    return {
      client: createClient(createElectronTransport(bridge)),
      host: 'electron',
      importSourceFor: async (file) => {
        const path = bridge.pathForFile(file);
        // A file made in the page (not from disk) has no path; send its bytes instead.
        return path ? { kind: 'path', path } : { kind: 'upload', fileName: file.name, base64: await fileToBase64(file) };
      },
    };
  }
  const token = readToken(location, sessionStorage);
  if (!token) throw new Error('This page needs the address Molscape printed, with its ?token=… part.');
  history.replaceState(history.state, '', withoutToken(location));
  const transport = createBrowserTransport({ token });
  return {
    client: createClient(transport),
    host: 'browser',
    onConnection: transport.onConnection,
    importSourceFor: async (file) => ({ kind: 'upload', fileName: file.name, base64: await fileToBase64(file) }),
  };
}
