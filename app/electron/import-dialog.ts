// File > Import...: the native open dialog, then one import job per chosen file. Runs in the main process,
// so the paths never pass through the page; each chosen file is granted to the core's path policy first (the
// user chose it), and the page learns of the new collections from the core's events.
import type { Dialog, OpenDialogOptions } from 'electron';
import { checkCall } from '../../main/api/validate.ts';
import type { Core } from '../../main/handlers/types.ts';

export const importFilters: OpenDialogOptions['filters'] = [
  { name: 'Molecule files', extensions: ['smi', 'smiles', 'ism', 'can', 'cxsmi', 'csv', 'tsv', 'tab', 'psv', 'sdf', 'sd', 'mol', 'mdl', 'txt', 'gz'] },
  { name: 'SMILES', extensions: ['smi', 'smiles', 'ism', 'can', 'cxsmi', 'txt'] },
  { name: 'CSV / TSV', extensions: ['csv', 'tsv', 'tab', 'psv'] },
  { name: 'SD files', extensions: ['sdf', 'sd', 'mol', 'mdl'] },
  { name: 'All files', extensions: ['*'] },
];

export interface ImportDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>;
  core: Pick<Core, 'handlers'>;
  /** Grant the core one file the user chose (GrantedPaths.grantFile for reading); null: not a readable file. */
  grant(path: string): string | null;
}

/** Ask for files and start their imports; returns the started job ids. Problems are shown, never thrown. */
export async function importFromDialog({ dialog, core, grant }: ImportDeps): Promise<number[]> {
  const chosen = await dialog.showOpenDialog({ title: 'Import molecules', properties: ['openFile', 'multiSelections'], filters: importFilters });
  if (chosen.canceled) return [];
  const jobIds: number[] = [];
  const failures: string[] = [];
  for (const path of chosen.filePaths) {
    const checked = checkCall('collections.import', { source: { kind: 'path', path } });
    try {
      if (!checked.ok) throw new Error(checked.message);
      if (grant(path) === null) throw new Error('it is not a file that can be read');
      const { jobId } = await core.handlers['collections.import'](checked.args as never);
      jobIds.push(jobId);
    } catch (err) {
      failures.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) dialog.showErrorBox('Import failed', failures.join('\n'));
  return jobIds;
}
