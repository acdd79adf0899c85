// The import's writing side, on the job's main thread: takes canonicalized batches in file order, handles
// duplicates (merged into the first occurrence, or kept as their own rows), records failures as problems, and
// writes each batch with the collection's counts in one transaction, so the UI can show a partial collection at
// any moment. Nothing changes silently (issue 16, item 2): every stripped salt, neutralized charge and duplicate
// is listed with the problems as 'info' (which row, which parent, why), and conflicting values of a merged
// duplicate as a 'warning'.
import type { SourceProblem, SourceRecord, UserValue } from '../../files/types.ts';
import type { Problem } from '../../api/contract.ts';
import type { Db } from '../../store/db.ts';
import { updateCollectionCounts } from '../../store/collections.ts';
import { insertMolecules, type NewMolecule } from '../../store/molecules.ts';
import { insertProblems } from '../../store/problems.ts';

/** Rows stored per kind (errors, warnings, notes); beyond them each kind is counted and summed up in one row. */
export const STORED_PER_KIND = 10_000;

const cut = (text: string, n = 200) => (text.length > n ? `${text.slice(0, n - 3)}...` : text);
/** A value as a note quotes it: short, strings in quotes. */
const shown = (v: UserValue) => (typeof v === 'string' ? `'${cut(v, 40)}'` : String(v));
const empty = (v: UserValue | undefined) => v === undefined || v === null || v === '';

export type DuplicateMode = 'merge' | 'keep';

export interface StandardizeNotes {
  /** per record: fragments were stripped */
  stripped?: readonly boolean[];
  /** per record: the fragments stripped (canonical SMILES joined by '.') */
  removed?: readonly (string | null)[];
  /** per record: charges were neutralized */
  neutralized?: readonly boolean[];
}

/** The first row of a canonical SMILES: where it is, to name it and to merge later values into it. */
interface Kept {
  position: number;
  line: number;
  name: string | null;
  /** Its structure was standardized (a salt stripped, charges neutralized) before it was compared. */
  changed: boolean;
  /** The row's values while its batch is being written (a merge changes them in memory). */
  pending: Record<string, UserValue> | null;
}

export class ImportWriter {
  imported = 0;
  duplicates = 0;
  /** records not imported */
  problems = 0;
  warnings = 0;
  notes = 0;
  valueConflicts = 0;
  fragmentsStripped = 0;
  neutralized = 0;
  private readonly seen = new Map<string, Kept>();
  private readonly userColumns = new Set<string>();
  private pendingProblems: Problem[] = [];
  /** Per kind: rows stored, and those counted but not stored (with the first one's line). */
  private readonly stored = { error: 0, warning: 0, info: 0 };
  private readonly unlisted = { error: { n: 0, line: 0 }, warning: { n: 0, line: 0 }, info: { n: 0, line: 0 } };

  constructor(
    private readonly db: Db,
    private readonly collectionId: number,
    private readonly file: string,
    private readonly duplicateMode: DuplicateMode = 'merge',
  ) {}

  /** A problem the reader found; written with the next batch. */
  addProblem(p: SourceProblem): void {
    if (p.more) {
      // the reader's own count of problems it did not list: counted here, summed up once at the end
      const severity = p.severity ?? 'error';
      const kind = this.unlisted[severity];
      kind.line = kind.n === 0 ? p.line : Math.min(kind.line, p.line);
      kind.n += p.more;
      if (severity === 'error') this.problems += p.more;
      else if (severity === 'warning') this.warnings += p.more;
      else this.notes += p.more;
      return;
    }
    this.pendingProblems.push({ file: p.file, line: p.line, record: p.record, reason: p.reason, text: p.text, ...(p.severity && p.severity !== 'error' ? { severity: p.severity } : {}) });
  }

  writeBatch(records: readonly SourceRecord[], canonical: readonly (string | null)[], errors: readonly (string | null)[], changes: StandardizeNotes = {}): void {
    const molecules: NewMolecule[] = [];
    const problems = this.pendingProblems;
    this.pendingProblems = [];
    let duplicates = 0;
    const note = (r: SourceRecord, reason: string, severity: 'info' | 'warning' = 'info') =>
      problems.push({ file: this.file, line: r.line, record: r.record, reason, text: cut(r.structure.split('\n')[0]), severity });
    records.forEach((r, i) => {
      const c = canonical[i];
      if (c === null) {
        problems.push({ file: this.file, line: r.line, record: r.record, reason: errors[i] ?? 'RDKit could not parse the structure', text: cut(r.structure.split('\n')[0]) });
        return;
      }
      const stripped = changes.stripped?.[i] ?? false;
      const neutralized = changes.neutralized?.[i] ?? false;
      if (stripped) {
        this.fragmentsStripped++;
        const removed = changes.removed?.[i];
        note(r, `salt/fragment stripped: kept the largest fragment ${cut(c, 120)}${removed ? `, removed ${cut(removed, 80)}` : ''}`);
      }
      if (neutralized) {
        this.neutralized++;
        note(r, `charges neutralized: stored as ${cut(c, 120)}`);
      }
      const kept = this.seen.get(c);
      if (kept) {
        duplicates++;
        const first = `line ${kept.line}${kept.name ? ` (${cut(kept.name, 40)})` : ''}`;
        const parent = stripped || neutralized || kept.changed ? 'the same parent structure' : 'the same structure';
        if (this.duplicateMode === 'keep') {
          note(r, `duplicate: ${parent} as ${first}, ${cut(c, 80)}; kept as its own row`);
        } else {
          const { added, conflicts } = this.merge(kept, r.userProps);
          const what = added.length ? ` (its values for ${added.join(', ')} filled the empty columns there)` : Object.keys(r.userProps).length ? ' (no values to add)' : '';
          note(r, `duplicate: ${parent} as ${first}, ${cut(c, 80)}; merged into it${what}${r.name && r.name !== kept.name ? `; its name ${cut(r.name, 40)} is not kept` : ''}`);
          if (conflicts.length) {
            this.valueConflicts++;
            note(r, `duplicate of ${first} with different values: ${conflicts.join('; ')}. The first non-empty value is kept; to keep both rows, import with Duplicates: keep as rows (--duplicates keep)`, 'warning');
          }
          return;
        }
      }
      for (const k of Object.keys(r.userProps)) this.userColumns.add(k);
      const userProps = { ...r.userProps };
      const position = this.imported + molecules.length + 1;
      molecules.push({ position, name: r.name, smiles: r.format === 'smiles' && !stripped && !neutralized ? r.structure : c, canonicalSmiles: c, sourceLine: r.line, userProps });
      if (!kept) this.seen.set(c, { position, line: r.line, name: r.name, changed: stripped || neutralized, pending: userProps });
    });
    this.db.transaction(() => {
      insertMolecules(this.db, this.collectionId, molecules);
      this.writeMerges();
      insertProblems(this.db, this.collectionId, this.listable(problems));
      this.imported += molecules.length;
      this.duplicates += duplicates;
      for (const p of problems) {
        if (p.severity === 'info') this.notes++;
        else if (p.severity === 'warning') this.warnings++;
        else this.problems++;
      }
      updateCollectionCounts(this.db, this.collectionId, {
        moleculeCount: this.imported,
        duplicateCount: this.duplicates,
        // what needs a look: records not imported and warnings (the notes are listed beside them, not counted)
        problemCount: this.problems + this.warnings,
        userColumns: [...this.userColumns],
      });
    }).immediate();
    for (const m of molecules) {
      const k = this.seen.get(m.canonicalSmiles);
      if (k && k.pending === m.userProps) k.pending = null; // written: later merges go to the database
    }
  }

  /**
   * The rule for a merged duplicate: for each of its non-empty values, a column that is empty (or missing) in
   * the kept row takes it; a column with another value keeps the first and the pair is listed.
   */
  private merge(kept: Kept, values: Record<string, UserValue>): { added: string[]; conflicts: string[] } {
    const current = kept.pending ?? this.storedValues(kept.position);
    const added: string[] = [];
    const conflicts: string[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (empty(value)) continue;
      if (empty(current[key])) {
        current[key] = value;
        added.push(cut(key, 40));
        this.userColumns.add(key);
      } else if (current[key] !== value) {
        conflicts.push(`${cut(key, 40)} ${shown(current[key])} kept, ${shown(value)} here`);
      }
    }
    if (!kept.pending && added.length) this.changedStored.set(kept.position, current);
    return { added, conflicts };
  }

  /** Kept rows already in the database whose values a merge changed, written with the batch. */
  private readonly changedStored = new Map<number, Record<string, UserValue>>();

  private storedValues(position: number): Record<string, UserValue> {
    const held = this.changedStored.get(position);
    if (held) return held;
    const row = this.db.prepare('SELECT user_props FROM molecules WHERE collection_id = ? AND position = ?').get(this.collectionId, position) as { user_props: string | null } | undefined;
    return row?.user_props ? (JSON.parse(row.user_props) as Record<string, UserValue>) : {};
  }

  private writeMerges(): void {
    if (!this.changedStored.size) return;
    const stmt = this.db.prepare('UPDATE molecules SET user_props = ? WHERE collection_id = ? AND position = ?');
    for (const [position, values] of this.changedStored) stmt.run(JSON.stringify(values), this.collectionId, position);
    this.changedStored.clear();
  }

  /** The problems to store: at most STORED_PER_KIND of each kind, the others counted. */
  private listable(problems: readonly Problem[]): Problem[] {
    return problems.filter((p) => {
      const kind = p.severity ?? 'error';
      if (this.stored[kind] < STORED_PER_KIND) return ++this.stored[kind] > 0;
      const u = this.unlisted[kind];
      u.line = u.n++ === 0 ? p.line : Math.min(u.line, p.line);
      return false;
    });
  }

  /** Writes problems still held (a file that ends with bad lines), then one row per kind for those not listed. */
  flush(): void {
    if (this.pendingProblems.length) this.writeBatch([], [], []);
    const names = { error: 'problems (records not imported)', warning: 'warnings', info: 'notes (salts stripped, duplicates)' };
    const summary: Problem[] = [];
    for (const kind of ['error', 'warning', 'info'] as const) {
      const { n, line } = this.unlisted[kind];
      if (!n) continue; // already counted, as they came
      summary.push({
        file: this.file,
        line,
        record: null,
        reason: `${n.toLocaleString('en-US')} more ${names[kind]} from line ${line.toLocaleString('en-US')} on are counted but not listed (the first ${STORED_PER_KIND.toLocaleString('en-US')} are)`,
        text: null,
        ...(kind === 'error' ? {} : { severity: kind }),
      });
    }
    if (!summary.length) return;
    this.db.transaction(() => {
      insertProblems(this.db, this.collectionId, summary);
      updateCollectionCounts(this.db, this.collectionId, { problemCount: this.problems + this.warnings });
    }).immediate();
  }
}
