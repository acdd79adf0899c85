// What the design commands (walk, interpolate, neighbours) share: the core's design handlers — over a
// workspace when one is given (so "in workspace" is known), else on their own — and their output: a readable
// table on stdout, or with --out a CSV whose first column is smiles, then the property panel, similarity and
// membership, then the provenance fields, then the command's own columns.
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DesignedMolecule, Handlers } from '../../../main/api/contract.ts';
import { PROPERTY_KEYS } from '../../../main/chem/properties.ts';
import { designHandlers } from '../../../main/design/handlers.ts';
import type { UserValue } from '../../../main/files/types.ts';
import { csvCell } from '../../../main/files/writers.ts';
import { createCore } from '../../../main/handlers/core.ts';
import { CliError } from './workspace-collection.ts';
import { writeOutput } from './model-options.ts';

export type DesignCalls = Pick<Handlers, 'latent.walk' | 'latent.interpolate' | 'latent.neighbours' | 'latent.directions'>;

export const designWorkspaceOption = () =>
  new Option('-w, --workspace <db>', 'workspace SQLite file: say which results are already in it').env('MOLSCAPE_WORKSPACE');
export const randomSeedOption = () => new Option('--seed <n>', 'random seed (the same seed gives the same molecules)').default(0);

/** Runs fn on the design handlers: the workspace's core when a workspace is named, else the handlers alone. */
export async function withDesign<T>(workspace: string | undefined, fn: (h: DesignCalls) => Promise<T>): Promise<T> {
  if (workspace?.trim()) {
    const path = resolve(workspace);
    // opening a missing file would create an empty workspace: say so instead
    if (!existsSync(path)) throw new CliError(`there is no workspace ${workspace}`);
    const core = await createCore({ workspace: path, host: 'cli' });
    try {
      return await fn(core.handlers);
    } finally {
      await core.close();
    }
  }
  const design = designHandlers();
  try {
    return await fn(design.handlers);
  } finally {
    await design.close();
  }
}

/** One output row: a designed molecule and the command's own columns (step, t, repeats …). */
export interface DesignRow {
  molecule: DesignedMolecule;
  extra: Record<string, UserValue>;
}

const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

export function designCsv(rows: readonly DesignRow[]): string {
  const extras = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  const header = ['smiles', ...PROPERTY_KEYS, 'similarity', 'in_training', 'in_workspace', 'valid', 'raw', 'tries', 'map_x', 'map_y',
    'operation', 'seed', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at', ...extras];
  const lines = [header.map((h) => csvCell(h)).join(',')];
  for (const { molecule: m, extra } of rows) {
    const p = m.provenance;
    const values: UserValue[] = [
      m.smiles, ...PROPERTY_KEYS.map((k) => m.props[k] ?? null), round(m.similarity, 4), m.inTraining, m.inWorkspace, m.valid, m.raw, m.tries,
      round(m.map[0], 4), round(m.map[1], 4),
      p.operation, p.seed, JSON.stringify(p.params), p.model, p.modelSha256, p.randomSeed, p.createdAt, ...extras.map((k) => extra[k] ?? null),
    ];
    lines.push(values.map((v) => csvCell(v)).join(','));
  }
  return lines.join('\n') + '\n';
}

/** A table for a terminal: the command's columns, the SMILES, similarity, a few properties, and whether it is new. */
export function designTable(rows: readonly DesignRow[]): string {
  const extras = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  const fmt = (v: unknown, d = 2) => (v === null || v === undefined ? '-' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(d)) : String(v));
  const known = (v: boolean | null) => (v === null ? '?' : v ? 'yes' : 'no');
  const head = [...extras, 'smiles', 'sim', 'clogp', 'qed', 'sa', 'mw', 'training', 'workspace'];
  const body = rows.map(({ molecule: m, extra }) => [
    ...extras.map((k) => fmt(extra[k], 3)), m.smiles ?? `(invalid: ${m.raw || 'empty'})`, fmt(m.similarity, 3), fmt(m.props.clogp), fmt(m.props.qed, 3), fmt(m.props.sa),
    fmt(m.props.mol_wt, 1), known(m.inTraining), known(m.inWorkspace),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  return [head, ...body].map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n') + '\n';
}

/** Writes the rows as CSV to --out, or as a table to stdout. */
export function writeDesignRows(rows: readonly DesignRow[], out: string | undefined): void {
  if (out) writeOutput(out, designCsv(rows));
  else process.stdout.write(designTable(rows));
}

/** A bad seed or direction is the user's to fix: say it and exit 1, like the other commands. */
export function isUserError(err: unknown): boolean {
  return err instanceof CliError || typeof (err as { status?: unknown }).status === 'number';
}
