// electron-builder.yml cannot be run here (no Electron download), so it is checked the ways that can run:
// against electron-builder's own schema, loaded by electron-builder's own loader, and for the files it names.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

type FileSet = string | { filter?: string[] };
type Config = Record<string, unknown> & { files: FileSet[]; asarUnpack: string[]; linux: { target: string[] }; mac: { target: string[] }; win: { target: string[] } };

async function loadConfig(): Promise<{ config: Config; validate(c: unknown): Promise<void> }> {
  // app-builder-lib is electron-builder's engine (installed with it).
  const lib = require(require.resolve('app-builder-lib/out/util/config/config.js', { paths: [require.resolve('electron-builder')] }));
  const config = (await lib.getConfig(root, 'electron-builder.yml', null)) as Config;
  return { config, validate: (c) => lib.validateConfiguration(c, { isEnabled: false, add() {} }) };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema (and a broken copy does not)", async () => {
    const { config, validate } = await loadConfig();
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, linux: { ...config.linux, colour: 'blue' } })).rejects.toThrow(/configuration/);
  });

  it('builds AppImage and deb, dmg, and nsis', async () => {
    const { config } = await loadConfig();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('ships dist/ and only the native and WebAssembly modules the bundles leave outside, unpacked', async () => {
    const { config } = await loadConfig();
    // The loader turns the list into file sets ({filter: [...]}).
    const files = config.files.flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files).toContain('dist/**/*');
    const modules = files.filter((f) => f.startsWith('node_modules/'));
    for (const pattern of modules) {
      const fixed = pattern.split('/').filter((part, i, all) => !/[*{]/.test(part) && all.slice(0, i).every((p) => !/[*{]/.test(p)));
      expect(existsSync(path.join(root, ...fixed)), pattern).toBe(true);
    }
    for (const name of ['better-sqlite3', 'onnxruntime-node', '@rdkit/rdkit']) {
      expect(modules.some((f) => f.startsWith(`node_modules/${name}/`)), name).toBe(true);
      expect(config.asarUnpack.some((f) => f.startsWith(`node_modules/${name}/`)), name).toBe(true);
    }
    expect(config.asarUnpack).toContain('**/*.node');
    expect(modules.some((f) => /zod|csv-parse|commander|\bws\b/.test(f))).toBe(false);
    expect(config.extraResources).toEqual([{ from: 'resources', to: 'resources', filter: ['**/*'] }]);
  });
});
