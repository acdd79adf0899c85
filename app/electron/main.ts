// The desktop app's main process: one instance, a hardened session and window, the renderer on app://molscape/,
// the core with its jobs in utility processes, the contract on IPC, and a File > Import... menu.
// Bundled to dist/electron/main.cjs by build.mjs (CommonJS: __dirname is dist/electron).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, utilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import { createCore } from '../../main/handlers/core.ts';
import { GrantedPaths } from '../../main/handlers/path-policy.ts';
import type { Core } from '../../main/handlers/types.ts';
import { appEntryUrl } from './channels.ts';
import { importFromDialog } from './import-dialog.ts';
import { bindGrants, bindIpc } from './ipc.ts';
import { utilityLauncher } from './launcher.ts';
import { menuTemplate } from './menu.ts';
import { appPaths } from './paths.ts';
import { serveRenderer } from './protocol.ts';
import { hardenEveryContents, prepareApp } from './startup.ts';
import { hardenSession, windowOptions } from './window.ts';

// Before anything else and before 'ready': every renderer sandboxed, the app:// scheme registered.
prepareApp(app, protocol);

if (!app.requestSingleInstanceLock()) {
  // Another Molscape has the workspace open: it gets focus (second-instance below), this one leaves.
  app.quit();
} else {
  start();
}

function start(): void {
  const paths = appPaths({ bundleDir: __dirname, userData: app.getPath('userData'), packaged: app.isPackaged, resourcesPath: process.resourcesPath });
  // Read by the core and inherited by its job processes and their threads.
  if (paths.resources) process.env.MOLSCAPE_RESOURCES = paths.resources;

  let core: Core | null = null;
  let window: BrowserWindow | null = null;

  const openWindow = (): BrowserWindow => {
    const win = new BrowserWindow(windowOptions(paths.preload, { devTools: !app.isPackaged }));
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (window === win) window = null;
    });
    void win.loadURL(appEntryUrl);
    return win;
  };

  // links out of the app: only those isExternalLink passes (documentation hosts) reach the system browser
  hardenEveryContents(app, (url) => void shell.openExternal(url));

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Close the workspace (and stop running jobs) before leaving; quit again once it is closed.
  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const closing = core;
    core = null;
    closing
      .close()
      .catch((err: unknown) => console.error('molscape: closing the workspace failed:', err))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(session.defaultSession);
      if (!existsSync(paths.rendererDir)) throw new Error(`The user interface is missing (${paths.rendererDir}): run npm run build.`);
      serveRenderer(protocol, paths.rendererDir);
      const launcher = utilityLauncher(utilityProcess.fork, (requested) => {
        if (!existsSync(requested)) throw new Error(`The job worker is missing (${requested}): run npm run build.`);
        return requested;
      });
      // the core reads or writes only files the user chose here: in the open dialog or by dropping them on the
      // window, never a path the page names on its own
      const granted = new GrantedPaths([], 'Choose the file with File > Import..., or drop it on the window.');
      const started = await createCore({ workspace: paths.workspace, host: 'electron', launcher, workerModule: paths.jobWorker, resumeProperties: true, paths: granted });
      core = started;
      bindIpc(ipcMain, started, () => window?.webContents ?? null);
      bindGrants(ipcMain, granted);
      const importFiles = () =>
        void importFromDialog({ dialog, core: started, grant: (file) => granted.grantFile(file, 'read') }).catch((err: unknown) => dialog.showErrorBox('Import failed', err instanceof Error ? err.message : String(err)));
      Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ importFiles })));
      window = openWindow();
      app.on('activate', () => {
        if (!window) window = openWindow();
      });
    })
    .catch((err: unknown) => {
      dialog.showErrorBox('Molscape could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}
