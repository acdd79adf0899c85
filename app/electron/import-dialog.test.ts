import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dialog } from 'electron';
import { GrantedPaths, guardPaths } from '../../main/handlers/path-policy.ts';
import { importFromDialog } from './import-dialog.ts';
import { testCore } from './test-core.ts';

// real files: a file can be granted only when it is one
const data = realpathSync(mkdtempSync(path.join(tmpdir(), 'molscape-dialog-')));
for (const f of ['a.smi', 'b.sdf.gz', 'unreadable.csv', 'ok.csv', 'not-chosen.smi']) writeFileSync(path.join(data, f), 'CCO\n');
mkdirSync(path.join(data, 'folder.smi'));
const at = (f: string) => path.join(data, f);

/** The core as main.ts makes it: the desktop policy (nothing but grants) checked before the handlers. */
function guardedCore() {
  const core = testCore();
  const policy = new GrantedPaths([], 'Choose the file with File > Import.');
  return { core, guarded: { ...core, handlers: guardPaths(core.handlers, policy) }, grant: (p: string) => policy.grantFile(p, 'read') };
}

function fakeDialog(answer: { canceled: boolean; filePaths: string[] }) {
  const errors: Array<[string, string]> = [];
  const asked: unknown[] = [];
  const dialog = {
    showOpenDialog: async (options: unknown) => {
      asked.push(options);
      return answer;
    },
    showErrorBox: (title: string, content: string) => void errors.push([title, content]),
  } as unknown as Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>;
  return { dialog, errors, asked };
}

describe('importFromDialog', () => {
  it('grants each chosen file and starts one import job per file, by path; a file not chosen is refused', async () => {
    const { core, guarded, grant } = guardedCore();
    const { dialog, errors, asked } = fakeDialog({ canceled: false, filePaths: [at('a.smi'), at('b.sdf.gz')] });
    expect(await importFromDialog({ dialog, core: guarded, grant })).toEqual([1, 2]);
    expect(core.calls).toEqual([
      ['collections.import', { source: { kind: 'path', path: at('a.smi') } }],
      ['collections.import', { source: { kind: 'path', path: at('b.sdf.gz') } }],
    ]);
    await expect(guarded.handlers['collections.import']({ source: { kind: 'path', path: at('not-chosen.smi') } } as never)).rejects.toMatchObject({ status: 403 });
    expect(errors).toEqual([]);
    expect(asked[0]).toMatchObject({ properties: ['openFile', 'multiSelections'] });
  });

  it('does nothing when cancelled', async () => {
    const { core, guarded, grant } = guardedCore();
    expect(await importFromDialog({ dialog: fakeDialog({ canceled: true, filePaths: [] }).dialog, core: guarded, grant })).toEqual([]);
    expect(core.calls).toEqual([]);
  });

  it('shows which files could not be started and still starts the others', async () => {
    const { guarded, grant } = guardedCore();
    const { dialog, errors } = fakeDialog({ canceled: false, filePaths: [at('unreadable.csv'), at('folder.smi'), at('ok.csv')] });
    expect(await importFromDialog({ dialog, core: guarded, grant })).toEqual([1]);
    expect(errors).toEqual([['Import failed', `${at('unreadable.csv')}: permission denied\n${at('folder.smi')}: it is not a file that can be read`]]);
  });
});
