// A core in memory behind the renderer's own boundary (the Transport), for component and state tests.
// Arguments go through the contract's real schemas (checkCall), so a call the real core would refuse fails
// here too; events are emitted by the test, as the job process would.
import type { Transport } from '../../../main/api/client.ts';
import { ApiError } from '../../../main/api/client.ts';
import type { Collection, EventName, EventPayload, MoleculeFilter, MoleculeRow, ParsedArgs, Problem, PropertyStat } from '../../../main/api/contract.ts';
import { checkCall } from '../../../main/api/validate.ts';

export interface LoggedCall {
  name: string;
  args: Record<string, unknown>;
}

export class MemoryCore implements Transport {
  collections: Collection[] = [];
  molecules = new Map<number, MoleculeRow[]>();
  problems = new Map<number, Problem[]>();
  log: LoggedCall[] = [];
  /** When set, every call waits for it first (to look at loading states). */
  gate: Promise<void> | null = null;
  nextJobId = 1;
  /** Jobs the core knows by id (title only: what jobs.get answers with). */
  jobs = new Map<number, { title: string }>();
  #listeners = new Map<string, Set<(payload: unknown) => void>>();

  async call(name: string, raw: unknown): Promise<unknown> {
    this.log.push({ name, args: raw as Record<string, unknown> });
    const checked = checkCall(name, raw);
    if (!checked.ok) throw new ApiError(checked.message, checked.status);
    if (this.gate) await this.gate;
    const args = checked.args as never;
    switch (checked.name) {
      case 'collections.list':
        return [...this.collections].sort((a, b) => b.id - a.id);
      case 'collections.get':
        return this.#collection((args as ParsedArgs<'collections.get'>).id);
      case 'collections.molecules':
        return this.#window(args);
      case 'collections.propertyStats':
        return { stats: this.#stats((args as ParsedArgs<'collections.propertyStats'>).collectionId) };
      case 'collections.createFromFilter': {
        const a = args as ParsedArgs<'collections.createFromFilter'>;
        const source = this.#collection(a.collectionId);
        const rows = this.#passing(a.collectionId, a.filter);
        const c = this.addCollection(0, { name: a.name });
        c.kind = 'filtered';
        c.userColumns = [...source.userColumns];
        const copies = rows.map((r, i) => ({ ...structuredClone(r), id: c.id * 1_000_000 + i + 1, collectionId: c.id, position: i + 1 }));
        this.molecules.set(c.id, copies);
        c.moleculeCount = c.propertiesDone = copies.length;
        this.emit('collections.changed', { collectionId: null });
        return c;
      }
      case 'collections.export': {
        const a = args as ParsedArgs<'collections.export'>;
        const c = this.#collection(a.collectionId);
        const rows = this.#passing(a.collectionId, a.filter);
        const text = a.format === 'csv' ? ['smiles,name', ...rows.map((r) => `${r.canonicalSmiles},${r.name ?? ''}`)].join('\n') + '\n' : rows.map((r) => `${r.canonicalSmiles} ${r.name ?? ''}\n`).join('');
        return { path: null, fileName: `${c.name}.${a.format}`, base64: btoa(text), count: rows.length };
      }
      case 'collections.problems': {
        const a = args as ParsedArgs<'collections.problems'>;
        this.#collection(a.collectionId);
        const all = this.problems.get(a.collectionId) ?? [];
        return { total: all.length, rows: all.slice(a.offset, a.offset + a.limit) };
      }
      case 'chem.depict': {
        const a = args as ParsedArgs<'chem.depict'>;
        return { svgs: a.smiles.map((s) => (s.includes('!') ? null : drawing(s, a.width, a.height))) };
      }
      case 'collections.import':
        return { jobId: this.nextJobId++ };
      case 'jobs.get': {
        const id = (args as ParsedArgs<'jobs.get'>).id;
        const known = this.jobs.get(id);
        if (!known) throw new ApiError(`There is no job ${id}.`, 404);
        const now = new Date(0).toISOString();
        return { id, kind: 'import', status: 'running', title: known.title, done: 0, total: null, error: null, createdAt: now, finishedAt: null, result: null };
      }
      case 'jobs.cancel':
        return { cancelled: true };
      default:
        throw new ApiError(`MemoryCore does not implement ${name}`, 501);
    }
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>) {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  calls(name: string): LoggedCall[] {
    return this.log.filter((c) => c.name === name);
  }

  /** Add a collection of n molecules (props filled unless told otherwise) and its problems. */
  addCollection(
    n: number,
    options: { name?: string; withProps?: boolean; problems?: Problem[]; userProps?: (position: number) => MoleculeRow['userProps'] } = {},
  ): Collection {
    const id = this.collections.reduce((max, c) => Math.max(max, c.id), 0) + 1;
    const rows = Array.from({ length: n }, (_, i) => ({ ...molecule(id, i + 1, options.withProps ?? true), userProps: options.userProps?.(i + 1) ?? {} }));
    const collection: Collection = {
      id,
      name: options.name ?? `set-${id}`,
      kind: 'imported',
      sourcePath: null,
      createdAt: new Date(0).toISOString(),
      moleculeCount: n,
      problemCount: options.problems?.length ?? 0,
      duplicateCount: 0,
      propertiesDone: options.withProps === false ? 0 : n,
      userColumns: [...new Set(rows.flatMap((r) => Object.keys(r.userProps)))],
    };
    this.collections.push(collection);
    this.molecules.set(id, rows);
    this.problems.set(id, options.problems ?? []);
    return collection;
  }

  /** What the properties job does: fill in every row's properties and say so. */
  fillProperties(collectionId: number) {
    for (const row of this.molecules.get(collectionId) ?? []) row.props = propsFor(row.position);
    const c = this.#collection(collectionId);
    c.propertiesDone = c.moleculeCount;
    this.emit('collections.changed', { collectionId });
  }

  #collection(id: number): Collection {
    const c = this.collections.find((x) => x.id === id);
    if (!c) throw new ApiError(`There is no collection ${id}.`, 404);
    return c;
  }

  #window(a: ParsedArgs<'collections.molecules'>) {
    this.#collection(a.collectionId);
    let rows = this.#passing(a.collectionId, a.filter);
    if (a.sort) {
      const { key, descending } = a.sort;
      const value = (r: MoleculeRow) =>
        (key.startsWith('user:') ? (r.userProps[key.slice(5)] ?? null) : key in r ? (r as unknown as Record<string, unknown>)[key] : r.props[key]) as
          | number
          | string
          | null;
      rows = [...rows].sort((x, y) => {
        const vx = value(x);
        const vy = value(y);
        const order = vx === vy ? 0 : vx === null ? 1 : vy === null ? -1 : vx < vy ? -1 : 1;
        return descending ? -order : order;
      });
    }
    return { total: rows.length, rows: structuredClone(rows.slice(a.offset, a.offset + a.limit)) };
  }

  /**
   * The rows that pass a filter. Ranges are checked as the core does (a row without a number fails); the
   * substructure stands in as "the canonical SMILES contains the query", and a query with '!' does not parse.
   */
  #passing(collectionId: number, filter: MoleculeFilter | undefined): MoleculeRow[] {
    const rows = this.molecules.get(collectionId) ?? [];
    if (!filter) return rows;
    const query = filter.substructure;
    if (query?.includes('!')) throw new ApiError(`The substructure query '${query}' is neither valid SMARTS nor SMILES.`, 400);
    return rows.filter(
      (r) =>
        (!query || r.canonicalSmiles.includes(query)) &&
        filter.ranges.every(({ key, min, max }) => {
          const v = key.startsWith('user:') ? r.userProps[key.slice(5)] : r.props[key];
          return typeof v === 'number' && (min === undefined || v >= min) && (max === undefined || v <= max);
        }),
    );
  }

  #stats(collectionId: number): PropertyStat[] {
    this.#collection(collectionId);
    const byKey = new Map<string, PropertyStat>();
    for (const r of this.molecules.get(collectionId) ?? []) {
      const values = [...Object.entries(r.props), ...Object.entries(r.userProps).map(([k, v]) => [`user:${k}`, v] as const)];
      for (const [key, v] of values) {
        if (typeof v !== 'number') continue;
        const s = byKey.get(key);
        if (!s) byKey.set(key, { key, min: v, max: v, count: 1 });
        else Object.assign(s, { min: Math.min(s.min, v), max: Math.max(s.max, v), count: s.count + 1 });
      }
    }
    return [...byKey.values()];
  }
}

export function molecule(collectionId: number, position: number, withProps: boolean): MoleculeRow {
  const smiles = `C${'C'.repeat(position % 7)}O${position}`;
  return {
    id: collectionId * 1_000_000 + position,
    collectionId,
    position,
    name: `mol-${String(position).padStart(6, '0')}`,
    smiles,
    canonicalSmiles: smiles,
    sourceLine: position,
    props: withProps ? propsFor(position) : { mol_wt: null, clogp: null, tpsa: null, hbd: null, hba: null },
    userProps: {},
  };
}

function propsFor(position: number) {
  return { mol_wt: 100 + position * 1.2345, clogp: (position % 13) / 3 - 2, tpsa: 20 + (position % 9) * 3.333, hbd: position % 4, hba: position % 6 };
}

const drawing = (smiles: string, width: number, height: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="4" y="20">${smiles.replace(/[<&>]/g, '')}</text></svg>`;

/** Let pending promises and the depiction batch timer run. */
export const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
