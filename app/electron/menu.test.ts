import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from './menu.ts';
import { appPaths } from './paths.ts';

const submenu = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];

describe('menuTemplate', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`has File > Import... (Ctrl/Cmd+O) that imports, on ${platform}`, () => {
      let imports = 0;
      const template = menuTemplate({ importFiles: () => imports++ }, platform);
      const item = submenu(template.find((m) => m.label === 'File')).find((i) => i.label === 'Import...');
      expect(item?.accelerator).toBe('CmdOrCtrl+O');
      (item!.click as () => void)();
      expect(imports).toBe(1);
      expect(template[0].role === 'appMenu').toBe(platform === 'darwin');
    });
  }
});

describe('appPaths', () => {
  it('puts the workspace in userData and uses packaged resources only when packaged', () => {
    const dev = appPaths({ bundleDir: '/repo/dist/electron', userData: '/home/ada/.config/Molscape', packaged: false, resourcesPath: '/usr/lib/electron/resources' });
    expect(dev).toEqual({
      preload: '/repo/dist/electron/preload.cjs',
      rendererDir: '/repo/dist/renderer',
      jobWorker: '/repo/dist/electron/worker.cjs',
      resources: null,
      workspace: '/home/ada/.config/Molscape/workspace.sqlite',
    });
    const packaged = appPaths({ bundleDir: '/opt/Molscape/resources/app.asar/dist/electron', userData: '/u', packaged: true, resourcesPath: '/opt/Molscape/resources' });
    expect(packaged.resources).toBe('/opt/Molscape/resources/resources');
  });
});
