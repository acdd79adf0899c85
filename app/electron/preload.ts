// The preload of the Molscape window (sandboxed, context-isolated): exposes window.molscape and nothing else.
// Bundled by build.mjs into dist/electron/preload.cjs, 'electron' being the only import left to require.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { bridgeKey, createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(bridgeKey, createBridge(ipcRenderer, webUtils));
