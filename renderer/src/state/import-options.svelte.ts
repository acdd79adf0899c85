// The choices an import starts with, set beside the Import button and read when an import starts, whether the
// file came from the button or was dropped anywhere on the window (issue 16, item 2).
export type DuplicateMode = 'merge' | 'keep';

class ImportOptions {
  /** 'merge': a duplicate's values fill the first row's empty columns; 'keep': the duplicate is its own row. */
  duplicates = $state<DuplicateMode>('merge');
}

export const importOptions = new ImportOptions();
