// The app reads its chem tables from resources/ (repo root in a checkout, MOLSCAPE_RESOURCES when packaged).
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chemDataPath, resourcesDir } from './resources.ts';

const saved = process.env.MOLSCAPE_RESOURCES;
afterEach(() => {
  if (saved === undefined) delete process.env.MOLSCAPE_RESOURCES;
  else process.env.MOLSCAPE_RESOURCES = saved;
});

describe('resources folder', () => {
  it('is <repo>/resources in a checkout, holding the three chem tables', () => {
    delete process.env.MOLSCAPE_RESOURCES;
    expect(resourcesDir().endsWith('resources')).toBe(true);
    for (const name of ['qed-parameters.json', 'pains.json', 'sa-fragment-contributions.bin.gz']) {
      expect(existsSync(chemDataPath(name)), name).toBe(true);
    }
  });

  it('follows MOLSCAPE_RESOURCES for packaged builds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'molscape-res-'));
    process.env.MOLSCAPE_RESOURCES = dir;
    expect(resourcesDir()).toBe(dir);
    expect(chemDataPath('pains.json')).toBe(join(dir, 'chem-data', 'pains.json'));
  });
});
