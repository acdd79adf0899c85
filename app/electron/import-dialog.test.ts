import { describe, expect, it } from 'vitest';
import type { Dialog } from 'electron';
import { importFromDialog } from './import-dialog.ts';
import { testCore } from './test-core.ts';

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
  it('starts one import job per chosen file, by path', async () => {
    const core = testCore();
    const { dialog, errors, asked } = fakeDialog({ canceled: false, filePaths: ['/data/a.smi', '/data/b.sdf.gz'] });
    expect(await importFromDialog({ dialog, core })).toEqual([1, 2]);
    expect(core.calls).toEqual([
      ['collections.import', { source: { kind: 'path', path: '/data/a.smi' } }],
      ['collections.import', { source: { kind: 'path', path: '/data/b.sdf.gz' } }],
    ]);
    expect(errors).toEqual([]);
    expect(asked[0]).toMatchObject({ properties: ['openFile', 'multiSelections'] });
  });

  it('does nothing when cancelled', async () => {
    const core = testCore();
    expect(await importFromDialog({ dialog: fakeDialog({ canceled: true, filePaths: [] }).dialog, core })).toEqual([]);
    expect(core.calls).toEqual([]);
  });

  it('shows which files could not be started and still starts the others', async () => {
    const core = testCore();
    const { dialog, errors } = fakeDialog({ canceled: false, filePaths: ['/data/unreadable.csv', '/data/ok.csv'] });
    expect(await importFromDialog({ dialog, core })).toEqual([1]);
    expect(errors).toEqual([['Import failed', '/data/unreadable.csv: permission denied']]);
  });
});
