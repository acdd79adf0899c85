// A core in memory behind the renderer's own boundary (the Transport), for component and state tests.
// Arguments go through the contract's real schemas (checkCall), so a call the real core would refuse fails
// here too; events are emitted by the test, as the job process would.
import type { Transport } from '../../../main/api/client.ts';
import { ApiError } from '../../../main/api/client.ts';
import type { CallResult, CheckedMolecule, Collection, DesignedMolecule, DoctorReport, EventName, EventPayload, Job, ModelInfo, MoleculeFilter, MoleculeRow, ParsedArgs, Problem, PropertyStat } from '../../../main/api/contract.ts';
import { checkCall } from '../../../main/api/validate.ts';
import { MODEL_COLUMN_KEYS, isModelColumn } from '../../../main/api/model-columns.ts';

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
  jobs = new Map<number, { title: string } & Partial<Pick<Job, 'kind' | 'status' | 'done' | 'total' | 'result'>>>();
  /** molecule ids latent.map leaves out (not encoded yet) */
  unencoded = new Set<number>();
  /** what models.list answers (the shipped model, active, unless a test says otherwise) */
  models: ModelInfo[] = [modelInfo('zinc250k')];
  /** models.curves per train job id (empty curves when not set) */
  curves = new Map<number, CallResult<'models.curves'>>();
  /** what jobs.list answers */
  jobList: Job[] = [];
  /** what design.optimize was asked, in order */
  optimizeRequests: ParsedArgs<'design.optimize'>[] = [];
  /** the doctor's report (a clean one unless a test sets it) */
  doctorReport: DoctorReport = doctorReport();
  /** collections deleted as undoable, for collections.restore */
  deleted = new Map<number, Collection>();
  /** candidates taken out, by undo id, for candidates.restore */
  removed = new Map<number, { listId: number; rows: MoleculeRow[] }>();
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
      case 'collections.count': {
        // as the core: a query that does not parse is an answer, not a refusal
        const a = args as ParsedArgs<'collections.count'>;
        this.#collection(a.collectionId);
        if (a.filter.substructure?.includes('!')) {
          const label = a.filter.mode === 'smiles' ? 'SMILES' : 'SMARTS';
          return { count: null, queryError: `Not a valid ${label} query: ${a.filter.substructure}` };
        }
        return { count: this.#passing(a.collectionId, a.filter).length, queryError: null };
      }
      case 'collections.propertyStats':
        return { stats: this.#stats((args as ParsedArgs<'collections.propertyStats'>).collectionId) };
      case 'collections.columnValues': {
        // as the core: the passing molecules in id order, each key's values as Float32 (NaN where missing)
        const a = args as ParsedArgs<'collections.columnValues'>;
        this.#collection(a.collectionId);
        const rows = [...this.#passing(a.collectionId, a.filter)].sort((x, y) => x.id - y.id);
        const columns = a.keys.map((key) => ({ key, values: base64Of(Float32Array.from(rows, (r) => {
          const v = valueOf(r, key);
          return typeof v === 'number' ? v : NaN;
        })) }));
        return { count: rows.length, ids: base64Of(Int32Array.from(rows, (r) => r.id)), columns };
      }
      case 'candidates.shortlist': {
        // a stand-in for MaxMin: the first `count` of the pool, the better end of `weightBy` first (rows without
        // a value last, as the core weighs them least); kept as a candidate list like the core's
        const a = args as ParsedArgs<'candidates.shortlist'>;
        const source = this.#collection(a.collectionId);
        let pool = this.#passing(a.collectionId, a.filter);
        if (a.ids) pool = pool.filter((r) => a.ids!.includes(r.id));
        if (a.weightBy) {
          const { key, direction } = a.weightBy;
          const rank = (r: MoleculeRow) => {
            const v = valueOf(r, key);
            return typeof v !== 'number' ? Infinity : direction === 'min' ? v : -v;
          };
          pool = [...pool].sort((x, y) => rank(x) - rank(y));
        }
        const picks = pool.slice(0, a.count);
        const list = this.#copy(source, picks, a.listName, 'candidates');
        return { list: structuredClone(list), picked: picks.length, pool: pool.length, meanTanimoto: 0.25 };
      }
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
      // ---- the table's selection and the sidebar's managing (issue 17) ----
      case 'collections.ids': {
        const a = args as ParsedArgs<'collections.ids'>;
        const all = this.#window({ ...a, offset: 0, limit: 1_000_000 });
        return { ids: all.rows.slice(a.offset, a.offset + a.limit).map((r) => r.id), total: all.total };
      }
      case 'collections.moleculesByIds': {
        const byId = new Map([...this.molecules.values()].flat().map((r) => [r.id, r]));
        return { rows: (args as ParsedArgs<'collections.moleculesByIds'>).ids.flatMap((id) => (byId.has(id) ? [structuredClone(byId.get(id)!)] : [])) };
      }
      case 'collections.createFromIds': {
        const a = args as ParsedArgs<'collections.createFromIds'>;
        const source = this.#collection(a.collectionId);
        const wanted = new Set(a.ids);
        return this.#copy(source, (this.molecules.get(source.id) ?? []).filter((r) => wanted.has(r.id)), a.name, a.kind);
      }
      case 'collections.duplicate': {
        const a = args as ParsedArgs<'collections.duplicate'>;
        const source = this.#collection(a.id);
        return this.#copy(source, this.molecules.get(source.id) ?? [], a.name ?? `${source.name} (copy)`, source.kind);
      }
      case 'collections.rename': {
        const a = args as ParsedArgs<'collections.rename'>;
        const c = this.#collection(a.id);
        c.name = a.name;
        this.emit('collections.changed', { collectionId: c.id });
        return c;
      }
      case 'collections.delete': {
        const a = args as ParsedArgs<'collections.delete'>;
        const at = this.collections.findIndex((c) => c.id === a.id);
        if (at < 0) return { deleted: false };
        const [gone] = this.collections.splice(at, 1);
        if (a.undoable) this.deleted.set(gone.id, gone);
        this.emit('collections.changed', { collectionId: a.id });
        return { deleted: true };
      }
      case 'collections.restore': {
        const id = (args as ParsedArgs<'collections.restore'>).id;
        const c = this.deleted.get(id);
        if (!c) throw new ApiError(`There is no deleted collection with id ${id} to restore.`, 404);
        this.deleted.delete(id);
        this.collections.push(c);
        this.emit('collections.changed', { collectionId: id });
        return c;
      }
      case 'candidates.removeMany': {
        const a = args as ParsedArgs<'candidates.removeMany'>;
        const list = this.collections.find((c) => c.kind === 'candidates' && (this.molecules.get(c.id) ?? []).some((r) => a.moleculeIds.includes(r.id)));
        if (!list) return { removed: 0, undo: null };
        const rows = this.molecules.get(list.id)!;
        const taken = rows.filter((r) => a.moleculeIds.includes(r.id));
        this.molecules.set(list.id, rows.filter((r) => !a.moleculeIds.includes(r.id)).map((r, i) => ({ ...r, position: i + 1 })));
        list.moleculeCount = list.propertiesDone = rows.length - taken.length;
        const undo = this.nextJobId++;
        this.removed.set(undo, { listId: list.id, rows: taken });
        this.emit('collections.changed', { collectionId: list.id });
        return { removed: taken.length, undo };
      }
      case 'candidates.restore': {
        const undo = (args as ParsedArgs<'candidates.restore'>).undo;
        const entry = this.removed.get(undo);
        if (!entry) throw new ApiError(`Nothing to restore for undo ${undo}.`, 404);
        this.removed.delete(undo);
        const rows = [...(this.molecules.get(entry.listId) ?? [])];
        for (const r of entry.rows) rows.splice(r.position - 1, 0, r);
        this.molecules.set(entry.listId, rows.map((r, i) => ({ ...r, position: i + 1 })));
        const list = this.#collection(entry.listId);
        list.moleculeCount = list.propertiesDone = rows.length;
        this.emit('collections.changed', { collectionId: entry.listId });
        return { restored: entry.rows.length, listId: entry.listId };
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
        return { id, kind: 'import', status: 'running', done: 0, total: null, error: null, createdAt: now, finishedAt: null, result: null, ...known };
      }
      case 'jobs.cancel':
        return { cancelled: true };
      case 'jobs.list':
        return this.jobList.slice(0, (args as ParsedArgs<'jobs.list'>).limit);
      case 'models.list':
        return structuredClone(this.models);
      case 'models.setActive': {
        const m = this.#model((args as ParsedArgs<'models.setActive'>).name);
        if (m.problem) throw new ApiError(`The model ${m.name} cannot be used: ${m.problem}`, 409);
        for (const x of this.models) x.active = x === m;
        return structuredClone(m);
      }
      case 'models.rename': {
        const a = args as ParsedArgs<'models.rename'>;
        const m = this.#model(a.name);
        if (m.source === 'shipped') throw new ApiError(`${m.name} ships with the app and cannot be renamed.`, 409);
        if (this.models.some((x) => x.name === a.newName)) throw new ApiError(`There is already a model called ${a.newName}.`, 409);
        m.name = a.newName;
        return structuredClone(m);
      }
      case 'models.delete': {
        const m = this.#model((args as ParsedArgs<'models.delete'>).name);
        if (m.source === 'shipped') throw new ApiError(`${m.name} ships with the app and cannot be deleted.`, 409);
        this.models = this.models.filter((x) => x !== m);
        if (m.active) for (const x of this.models) x.active = x.isDefault;
        return { deleted: true };
      }
      case 'models.doctor': {
        const a = args as ParsedArgs<'models.doctor'>;
        if (a.collectionId !== undefined) this.#collection(a.collectionId);
        if (a.model !== undefined) this.#model(a.model);
        return structuredClone(this.doctorReport);
      }
      case 'models.train': {
        const a = args as ParsedArgs<'models.train'>;
        if (a.collectionId !== undefined) this.#collection(a.collectionId);
        if (a.from !== undefined) this.#model(a.from);
        const jobId = this.nextJobId++;
        this.jobs.set(jobId, { title: `Train ${a.name ?? a.out}` });
        return { jobId };
      }
      case 'models.curves': {
        const id = (args as ParsedArgs<'models.curves'>).jobId;
        return structuredClone(this.curves.get(id) ?? { name: '', points: [], before: null, resumable: false });
      }
      case 'collections.grid': {
        const a = args as ParsedArgs<'collections.grid'>;
        const rows = this.#passing(a.collectionId, a.filter).slice(0, a.limit);
        return { svg: drawing(rows.map((r) => r.canonicalSmiles).join(' '), a.columns * a.cellWidth, 200), count: rows.length };
      }
      case 'design.optimize': {
        const a = args as ParsedArgs<'design.optimize'>;
        if ((a.starts === undefined) === (a.collectionId === undefined)) throw new ApiError('Give the start molecules or a collection, one of the two.', 400);
        if (a.collectionId !== undefined) this.#collection(a.collectionId);
        const jobId = this.nextJobId++;
        this.jobs.set(jobId, { title: `Optimize ${a.objectives.join(', ')}` });
        this.optimizeRequests.push(a);
        return { jobId };
      }
      case 'design.check':
        return checkStandIn(args as ParsedArgs<'design.check'>);
      case 'design.surrogates':
        // nothing measured, nothing rated: what a fresh workspace offers (the real fits are tested in main/design/optimize)
        return { columns: [], rated: 0, fits: [] } satisfies CallResult<'design.surrogates'>;
      default:
        if (checked.name.startsWith('latent.') || checked.name.startsWith('candidates.')) return this.#design(checked.name, args);
        throw new ApiError(`MemoryCore does not implement ${name}`, 501);
    }
  }

  /** Stand-ins for the design calls: deterministic molecules made from the arguments, nothing chemical. */
  #design(name: string, args: never): unknown {
    switch (name) {
      case 'latent.directions':
        return { directions: DIRECTIONS };
      case 'latent.walk': {
        const a = args as ParsedArgs<'latent.walk'>;
        if (a.seed.includes('!')) throw new ApiError(`The model cannot read '!' in ${a.seed}.`, 400);
        const total = a.offsets.reduce((sum, o) => sum + o.amount, 0);
        // drawSeed false: the seed without its drawing, as the real core answers.
        const seed = { ...designed(a.seed, a.seed, 'walk', { offsets: [] }), ...(a.drawSeed === false ? { svg: null } : {}) };
        const smiles = `${a.seed}${'C'.repeat(Math.round(Math.abs(total) * 2))}`;
        return { seed, molecule: designed(smiles, a.seed, 'walk', { offsets: a.offsets }) };
      }
      case 'latent.sample': {
        // every third draw repeats the one before it, every seventh is invalid: the counts have work to do
        const a = args as ParsedArgs<'latent.sample'>;
        const molecules: CallResult<'latent.sample'>['molecules'] = Array.from({ length: a.n }, (_, i) => {
          if (i % 7 === 6) return { raw: 'C1CC(', smiles: null, valid: false };
          const k = i % 3 === 2 ? i - 1 : i;
          const smiles = `${a.source === 'aggregate' ? 'N' : 'C'}${'C'.repeat((k + a.seed) % 9)}O${'N'.repeat(Math.floor((k + a.seed) / 9))}`;
          return { raw: smiles, smiles, valid: true };
        });
        return { molecules };
      }
      case 'latent.ahead':
        return { planned: (args as ParsedArgs<'latent.ahead'>).ahead.length };
      case 'latent.interpolate': {
        const a = args as ParsedArgs<'latent.interpolate'>;
        const path: { t: number; repeats: number; molecule: DesignedMolecule }[] = [];
        for (let i = 0; i < a.steps; i++) {
          const t = i / (a.steps - 1);
          const smiles = t < 0.5 ? a.from : a.to;
          const last = path.at(-1);
          if (last?.molecule.smiles === smiles) last.repeats++;
          else path.push({ t, repeats: 1, molecule: designed(smiles, a.from, 'interpolate', { to: a.to, steps: a.steps, method: a.method }) });
        }
        return { path };
      }
      case 'latent.neighbours': {
        const a = args as ParsedArgs<'latent.neighbours'>;
        const unique = Math.min(a.n, 5);
        const molecules = Array.from({ length: unique }, (_, i) => designed(`${a.seed}${'N'.repeat(i + 1)}`, a.seed, 'neighbours', { n: a.n, radius: a.radius }, 1 - (i + 1) / 10, i));
        return { molecules, counts: { tries: a.n, valid: a.n - 1, unique, new: unique - 1 }, seed: designed(a.seed, a.seed, 'neighbours', {}) };
      }
      case 'latent.encodeCollection':
        this.#collection((args as ParsedArgs<'latent.encodeCollection'>).collectionId);
        return { jobId: this.nextJobId++ };
      case 'latent.map': {
        const a = args as ParsedArgs<'latent.map'>;
        this.#collection(a.collectionId);
        const rows = (this.molecules.get(a.collectionId) ?? []).filter((r) => !this.unencoded.has(r.id));
        const value = (r: MoleculeRow) => {
          const v = a.colorBy?.startsWith('user:') ? r.userProps[a.colorBy.slice(5)] : r.props[a.colorBy ?? ''];
          return typeof v === 'number' ? v : null;
        };
        return {
          ids: rows.map((r) => r.id),
          x: rows.map((r) => r.position % 10),
          y: rows.map((r) => Math.floor(r.position / 10)),
          values: a.colorBy ? rows.map(value) : null,
          missing: (this.molecules.get(a.collectionId)?.length ?? 0) - rows.length,
          unencodable: 0,
          background: { x: [-1, 11], y: [-1, 5] },
          axes: ['PC1 (12 % of variance)', 'PC2 (8 % of variance)'],
        };
      }
      case 'candidates.keep': {
        const a = args as ParsedArgs<'candidates.keep'>;
        let list = a.listId ? this.#collection(a.listId) : this.collections.find((c) => c.kind === 'candidates' && c.name === a.listName);
        if (!list) {
          list = this.addCollection(0, { name: a.listName ?? 'Candidates' });
          list.kind = 'candidates';
          list.userColumns = [...CANDIDATE_COLUMNS];
        }
        const rows = this.molecules.get(list.id)!;
        const p = a.provenance;
        const row: MoleculeRow = {
          ...molecule(list.id, rows.length + 1, true),
          smiles: a.smiles,
          canonicalSmiles: a.smiles,
          name: a.name ?? null,
          userProps: { rating: a.rating, note: a.note, operation: p.operation, seed: p.seed, parameters: JSON.stringify(p.params), model: p.model, model_sha256: p.modelSha256, random_seed: p.randomSeed, kept_at: p.createdAt },
        };
        rows.push(row);
        list.moleculeCount = list.propertiesDone = rows.length;
        this.emit('collections.changed', { collectionId: list.id });
        return { list: structuredClone(list), molecule: structuredClone(row) };
      }
      case 'candidates.update': {
        const a = args as ParsedArgs<'candidates.update'>;
        const row = [...this.molecules.values()].flat().find((r) => r.id === a.moleculeId);
        if (!row) throw new ApiError(`There is no molecule ${a.moleculeId}.`, 404);
        if (a.rating !== undefined) row.userProps.rating = a.rating;
        if (a.note !== undefined) row.userProps.note = a.note;
        return structuredClone(row);
      }
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

  #model(name: string): ModelInfo {
    const m = this.models.find((x) => x.name === name);
    if (!m) throw new ApiError(`There is no model called ${name}.`, 404);
    return m;
  }

  #collection(id: number): Collection {
    const c = this.collections.find((x) => x.id === id);
    if (!c) throw new ApiError(`There is no collection ${id}.`, 404);
    return c;
  }

  /** A new collection of copies of `rows` (a selection kept, a duplicate). */
  #copy(source: Collection, rows: MoleculeRow[], name: string, kind: Collection['kind']): Collection {
    const c = this.addCollection(0, { name });
    c.kind = kind;
    c.userColumns = kind === 'candidates' && source.kind !== 'candidates' ? ['rating', 'note', 'operation', ...source.userColumns] : [...source.userColumns];
    const extra: MoleculeRow['userProps'] = kind === 'candidates' && source.kind !== 'candidates' ? { rating: 0, note: '', operation: 'manual' } : {};
    const copies = rows.map((r, i) => ({ ...structuredClone(r), id: c.id * 1_000_000 + i + 1, collectionId: c.id, position: i + 1, userProps: { ...r.userProps, ...extra } }));
    this.molecules.set(c.id, copies);
    c.moleculeCount = c.propertiesDone = copies.length;
    this.emit('collections.changed', { collectionId: null });
    return c;
  }

  #window(a: ParsedArgs<'collections.molecules'>) {
    this.#collection(a.collectionId);
    let rows = this.#passing(a.collectionId, a.filter);
    if (a.sort) {
      const { key, descending } = a.sort;
      const value = (r: MoleculeRow) =>
        (isModelColumn(key) ? valueOf(r, key) : key.startsWith('user:') ? (r.userProps[key.slice(5)] ?? null) : key in r ? (r as unknown as Record<string, unknown>)[key] : r.props[key]) as
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
          const v = valueOf(r, key);
          return typeof v === 'number' && (min === undefined || v >= min) && (max === undefined || v <= max);
        }),
    );
  }

  #stats(collectionId: number): PropertyStat[] {
    this.#collection(collectionId);
    const byKey = new Map<string, PropertyStat>();
    for (const r of this.molecules.get(collectionId) ?? []) {
      // the active model's confidence counts only where it encoded (and scored) the molecule, as the core's
      const model = MODEL_COLUMN_KEYS.map((k) => [k, valueOf(r, k)] as const);
      const values = [...Object.entries(r.props), ...Object.entries(r.userProps).map(([k, v]) => [`user:${k}`, v] as const), ...model];
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

/** A row's value under a sort / filter / plot key: a property, 'user:<column>', or the model's confidence (held 1 / 0). */
export function valueOf(r: MoleculeRow, key: string): number | string | null {
  if (key === 'model:fit') return r.confidence?.fit ?? null;
  if (key === 'model:held') return typeof r.confidence?.held === 'boolean' ? Number(r.confidence.held) : null;
  const v = key.startsWith('user:') ? r.userProps[key.slice(5)] : r.props[key];
  return v === undefined || typeof v === 'boolean' ? null : v;
}

const base64Of = (a: Float32Array | Int32Array) => btoa(String.fromCharCode(...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));

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

const DIRECTIONS = [
  { name: 'pc1', label: 'PC1', kind: 'axis', unit: 1.5 },
  { name: 'pc2', label: 'PC2', kind: 'axis', unit: 1.2 },
  { name: 'clogp+', label: 'more cLogP', kind: 'property', unit: 1 },
  { name: 'qed+', label: 'more QED', kind: 'property', unit: 1 },
  { name: 'sa-', label: 'lower SA', kind: 'property', unit: 1 },
] as const;

const CANDIDATE_COLUMNS = ['rating', 'note', 'operation', 'seed', 'parameters', 'model', 'model_sha256', 'random_seed', 'kept_at'];

/** A designed molecule whose properties follow from its length (so deltas against the seed are checkable). */
export function designed(smiles: string, seed: string, operation: DesignedMolecule['provenance']['operation'], params: Record<string, unknown>, similarity = smiles === seed ? 1 : 0.5, randomSeed: number | null = null): DesignedMolecule {
  return {
    raw: smiles,
    smiles,
    valid: true,
    props: { mol_wt: 12 * smiles.length, clogp: smiles.length / 4, qed: 0.5, sa: 2, tpsa: 20 },
    similarity,
    inTraining: smiles === seed,
    inWorkspace: false,
    changedAtoms: [],
    svg: drawing(smiles, 300, 220),
    z: [0, 0],
    map: [smiles.length % 10, 2],
    tries: 1,
    provenance: { operation, seed, params, model: 'zinc250k', modelSha256: 'ab'.repeat(32), randomSeed, createdAt: new Date(0).toISOString() },
  };
}

/** A model as models.list describes it: the shipped one by default, active and with a card. */
export function modelInfo(name: string, patch: Partial<ModelInfo> = {}): ModelInfo {
  const shipped = (patch.source ?? 'shipped') === 'shipped';
  return {
    name,
    dir: `/models/${name}`,
    source: 'shipped',
    version: '1',
    trainingSteps: 43_071,
    latent: 56,
    properties: ['clogp', 'qed', 'sa'],
    createdAt: '2026-11-20T10:00:00.000Z',
    isDefault: shipped,
    active: shipped,
    problem: null,
    card: {
      trainedOn: { file: 'zinc250k/train.smi', molecules: 225_000, sha256: 'c0ffee'.repeat(10) + 'beef' },
      baseModel: null,
      vocabularySize: 44,
      addedTokens: [],
      architecture: 'GRU encoder 2×256, GRU decoder 3×488, latent 56',
      bytes: 23_400_000,
      holdout: null,
      metrics: { reconstruction: 0.787, validity: 0.993 },
    },
    ...patch,
  };
}

/** A clean doctor's report for a small series (a test changes what it needs). */
export function doctorReport(patch: Partial<DoctorReport> = {}): DoctorReport {
  return {
    molecules: 120,
    vocabulary: { size: 30, tokens: [{ token: 'C', count: 900 }] },
    outOfVocabulary: { model: 'zinc250k', molecules: 0, tokens: [], examples: [] },
    lengths: { min: 12, max: 70, mean: 40, p50: 39, p95: 62, p99: 68, histogram: [], modelMaxLength: 120, tooLong: [], outliers: [] },
    mixtures: { count: 0, examples: [] },
    duplicates: { count: 0, examples: [] },
    invalid: { count: 0, examples: [] },
    trainingEstimate: { tokens: 4800, epochs: 30, secondsPerEpoch: 4, seconds: 120, basis: 'measured on this machine' },
    ...patch,
  };
}

/**
 * design.check without RDKit: a molecule's properties follow from its length (as `designed`), a SMARTS "matches"
 * when the SMILES contains it (a SMARTS with '!' does not parse: a problem), similarity falls with the length difference.
 */
function checkStandIn(a: ParsedArgs<'design.check'>): CallResult<'design.check'> {
  const keep = a.constraints.keep ?? [];
  const bad = keep.find((s) => s.includes('!'));
  if (bad) return { seed: null, molecules: [], problem: `'${bad}' is not a SMARTS RDKit can read`, surrogates: [] };
  if (a.seed.includes('!')) return { seed: null, molecules: [], problem: `RDKit cannot read the seed '${a.seed}'.`, surrogates: [] };
  const keys: Record<string, string> = { qed: 'qed', sa: 'sa', clogp: 'clogp', mw: 'mol_wt', tpsa: 'tpsa' };
  const judge = (smiles: string, seed: boolean): CheckedMolecule => {
    const props = designed(smiles, a.seed, 'decode', {}).props;
    const similarity = seed ? 1 : Math.max(0, 1 - Math.abs(smiles.length - a.seed.length) / 10);
    const keeps = keep.map((k) => smiles.includes(k));
    const violations: CheckedMolecule['violations'] = [];
    if (!seed && a.constraints.similarity !== undefined && similarity < a.constraints.similarity) violations.push({ code: 'similarity', amount: a.constraints.similarity - similarity });
    keeps.forEach((k, i) => !k && violations.push({ code: 'substructure', amount: 1, detail: keep[i] }));
    const values = a.objectives.map((o) => {
      const v = props[keys[o.split(':')[0]] ?? ''];
      return typeof v === 'number' ? v : null;
    });
    const svg = a.draw ? drawing(smiles, a.draw.width, a.draw.height) : null;
    return { smiles, props, similarity, changedAtoms: seed ? [] : [0], svg, keeps, values, violations };
  };
  return { seed: judge(a.seed, true), molecules: a.smiles.map((s) => judge(s, false)), problem: null, surrogates: [] };
}
