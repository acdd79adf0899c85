// What main.ts does to the app before and around 'ready', as functions over the Electron objects passed in, so
// the security checklist test (security-checklist.test.ts) can hold each step without the Electron binary.
import type { App, Protocol, WebContents } from 'electron';
import { schemePrivileges } from './protocol.ts';
import { hardenContents, isExternalLink, type ContentsLike } from './window.ts';

/**
 * Called at the top level of main.ts, before 'ready': every renderer sandboxed whatever its webPreferences say
 * (enableSandbox only counts before ready), and our app:// scheme registered as standard and secure (also only
 * possible before ready).
 */
export function prepareApp(app: Pick<App, 'setName' | 'enableSandbox'>, protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  app.setName('Molscape');
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged(schemePrivileges);
}

type AppEvents = { on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): unknown };

/**
 * Every webContents the app ever creates (the window, devtools, anything a page might open) is hardened as it is
 * created: navigation stays home, new windows are denied, <webview> refused. A link the user follows out of the
 * app reaches `openExternal` (shell.openExternal in main.ts) only when it passes isExternalLink.
 */
export function hardenEveryContents(app: AppEvents, openExternal: (url: string) => void): void {
  app.on('web-contents-created', (_event, contents) =>
    hardenContents(contents as unknown as ContentsLike, (url) => {
      if (isExternalLink(url)) openExternal(url);
    }),
  );
}
