// The import's writing side, on the job's main thread: takes canonicalized batches in file order, drops
// duplicates (first occurrence wins), records failures as problems, and writes each batch with the
// collection's counts in one transaction, so the UI can show a partial collection at any moment.
import type { SourceProblem, SourceRecord } from '../../files/types.ts';
import type { Problem } from '../../api/contract.ts';
import type { Db } from '../../store/db.ts';
import { updateCollectionCounts } from '../../store/collections.ts';
import { insertMolecules, type NewMolecule } from '../../store/molecules.ts';
import { insertProblems } from '../../store/problems.ts';

const cut = (text: string, n = 200) => (text.length > n ? `${text.slice(0, n - 3)}...` : text);

export class ImportWriter {
  imported = 0;
  duplicates = 0;
  problems = 0;
  fragmentsStripped = 0;
  neutralized = 0;
  private readonly seen = new Set<string>();
  private readonly userColumns = new Set<string>();
  private pendingProblems: Problem[] = [];

  constructor(
    private readonly db: Db,
    private readonly collectionId: number,
    private readonly file: string,
    private readonly dropDuplicates = true,
  ) {}

  /** A problem the reader found; written with the next batch. */
  addProblem(p: SourceProblem): void {
    this.pendingProblems.push({ file: p.file, line: p.line, record: p.record, reason: p.reason, text: p.text });
  }

  /** `stripped` / `neutralized`: per record, whether standardizing changed it (the stored SMILES is then the canonical one). */
  writeBatch(
    records: readonly SourceRecord[],
    canonical: readonly (string | null)[],
    errors: readonly (string | null)[],
    stripped: readonly boolean[] = [],
    neutralized: readonly boolean[] = [],
  ): void {
    const molecules: NewMolecule[] = [];
    const problems = this.pendingProblems;
    this.pendingProblems = [];
    let duplicates = 0;
    records.forEach((r, i) => {
      const c = canonical[i];
      if (c === null) {
        problems.push({ file: this.file, line: r.line, record: r.record, reason: errors[i] ?? 'RDKit could not parse the structure', text: cut(r.structure.split('\n')[0]) });
        return;
      }
      if (this.dropDuplicates) {
        if (this.seen.has(c)) {
          duplicates++;
          return;
        }
        this.seen.add(c);
      }
      const changed = stripped[i] || neutralized[i];
      if (stripped[i]) this.fragmentsStripped++;
      if (neutralized[i]) this.neutralized++;
      for (const k of Object.keys(r.userProps)) this.userColumns.add(k);
      molecules.push({
        position: this.imported + molecules.length + 1,
        name: r.name,
        smiles: r.format === 'smiles' && !changed ? r.structure : c,
        canonicalSmiles: c,
        sourceLine: r.line,
        userProps: r.userProps,
      });
    });
    this.db.transaction(() => {
      insertMolecules(this.db, this.collectionId, molecules);
      insertProblems(this.db, this.collectionId, problems);
      this.imported += molecules.length;
      this.duplicates += duplicates;
      this.problems += problems.length;
      updateCollectionCounts(this.db, this.collectionId, {
        moleculeCount: this.imported,
        duplicateCount: this.duplicates,
        problemCount: this.problems,
        userColumns: [...this.userColumns],
      });
    })();
  }

  /** Writes problems still held (a file that ends with bad lines). */
  flush(): void {
    if (this.pendingProblems.length) this.writeBatch([], [], []);
  }
}
