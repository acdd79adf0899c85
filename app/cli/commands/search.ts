// molscape search (--substructure QUERY [--smarts | --smiles] | --similar SMILES [--top K]) SOURCE: search a
// molecule file, or a workspace's collection (--workspace DB --collection NAME, through the core's
// chem.search). A substructure is SMARTS unless --smiles says it is a molecule as drawn. Hits go to stdout as
// CSV (where, name, smiles, similarity): best first for similarity, file order for substructure.
import { Command, Option } from 'commander';
import { basename } from 'node:path';
import { loadRDKit } from '../../../main/chem/rdkit.ts';
import { MoleculeIndex, QUERY_MODE_HINT, QueryError, type QueryMode } from '../../../main/chem/search.ts';
import { readMoleculeFile } from '../../../main/files/read.ts';
import type { SourceRecord, UserValue } from '../../../main/files/types.ts';
import { csvCell } from '../../../main/files/writers.ts';
import { EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { CliError, collectionOption, withCollection, workspaceOption } from './workspace-collection.ts';

interface SearchOptions {
  substructure?: string;
  smarts?: boolean;
  smiles?: boolean;
  similar?: string;
  top: number;
  workspace?: string;
  collection?: string;
}

export function searchCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('search');
  return cmd
    .description('Substructure or top-k similarity search (Morgan r2, 2048 bits, Tanimoto) over a file or a collection.')
    .argument('[file]', 'a molecule file (or give --workspace and --collection)')
    .option('-s, --substructure <query>', 'the substructure the molecules must contain: SMARTS unless --smiles')
    .addOption(new Option('--smarts', 'read the substructure as SMARTS (the default)').conflicts('smiles'))
    .option('--smiles', 'read the substructure as SMILES: the molecule as drawn')
    .addHelpText('after', `\nSubstructure queries: ${QUERY_MODE_HINT}`)
    .option('--similar <smiles>', 'rank by similarity to this SMILES')
    .addOption(new Option('-k, --top <k>', 'hits to print for --similar').default(10).argParser(positiveInt))
    .addOption(workspaceOption())
    .addOption(collectionOption())
    .action(async (file: string | undefined, opts: SearchOptions) => {
      if (!opts.substructure === !opts.similar) cmd.error('error: give exactly one of --substructure SMARTS or --similar SMILES', { exitCode: EXIT_USAGE });
      if ((opts.smarts || opts.smiles) && !opts.substructure) cmd.error('error: --smarts and --smiles say how to read --substructure: give one', { exitCode: EXIT_USAGE });
      if (!file === !opts.collection) cmd.error('error: search a FILE, or a collection with --workspace DB --collection NAME', { exitCode: EXIT_USAGE });
      setExit(await runSearch(file, opts));
    });
}

function modeOf(opts: SearchOptions): QueryMode {
  return opts.smiles ? 'smiles' : 'smarts';
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${value}`);
  return n;
}

interface Hit {
  where: number;
  name: string | null;
  smiles: string;
  similarity: number | null;
}

async function runSearch(file: string | undefined, opts: SearchOptions): Promise<number> {
  let hits: Hit[];
  try {
    hits = file ? await searchFile(file, opts) : await searchCollection(opts);
  } catch (err) {
    if (!(err instanceof CliError) && !(err instanceof QueryError) && !(err as { status?: number }).status) throw err;
    process.stderr.write(`molscape search: ${(err as Error).message}\n`);
    return EXIT_NOTHING;
  }
  const cells = (values: UserValue[]) => values.map((v) => csvCell(v)).join(',');
  let text = `${cells([file ? 'line' : 'position', 'name', 'smiles', 'similarity'])}\n`;
  for (const h of hits) text += `${cells([h.where, h.name, h.smiles, h.similarity === null ? null : Number(h.similarity.toFixed(4))])}\n`;
  process.stdout.write(text);
  process.stderr.write(`${hits.length} hit${hits.length === 1 ? '' : 's'}\n`);
  return hits.length ? EXIT_OK : EXIT_NOTHING;
}

async function searchFile(file: string, opts: SearchOptions): Promise<Hit[]> {
  await loadRDKit();
  const fileName = basename(file);
  const records: SourceRecord[] = [];
  for await (const item of readMoleculeFile(file, { fileName })) {
    if (item.kind === 'problem') process.stderr.write(`${fileName}:${item.line}: ${item.reason}\n`);
    else records.push(item);
  }
  const index = MoleculeIndex.build(records.map((r) => r.structure), { substructure: Boolean(opts.substructure) });
  try {
    for (const i of index.invalid) process.stderr.write(`${fileName}:${records[i].line}: RDKit could not parse the structure\n`);
    const hit = (i: number, similarity: number | null): Hit => ({
      where: records[i].line,
      name: records[i].name,
      smiles: records[i].format === 'smiles' ? records[i].structure : '',
      similarity,
    });
    if (opts.similar) return index.similar(opts.similar, opts.top).map((h) => hit(h.index, h.similarity));
    return index.substructure(opts.substructure!, { mode: modeOf(opts) }).map((i) => hit(i, null));
  } finally {
    index.dispose();
  }
}

async function searchCollection(opts: SearchOptions): Promise<Hit[]> {
  return withCollection(opts.workspace, opts.collection, async (core, c) => {
    // the contract caps `top` for UIs; the CLI prints every substructure match
    const top = opts.similar ? opts.top : Number.MAX_SAFE_INTEGER;
    const r = await core.handlers['chem.search']({ collectionId: c.id, similar: opts.similar, substructure: opts.substructure, mode: opts.substructure ? modeOf(opts) : undefined, top });
    return r.rows.map((row) => ({ where: row.position, name: row.name, smiles: row.smiles, similarity: row.similarity }));
  });
}
