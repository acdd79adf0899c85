// Options and helpers shared by the model commands (encode, decode, sample, reconstruct, evaluate, doctor).
import { InvalidArgumentError, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { DECODE_STRATEGIES } from '../../../main/design/model-service.ts';
import { DEFAULT_MODEL_NAME, defaultModelDir } from '../../../main/design/model-path.ts';
import { ModelRegistry, defaultUserModelsDir } from '../../../main/design/model-registry.ts';

/** A model name (`molscape models` lists them: shipped and trained) or a bundle folder, to its folder. */
export function resolveModelOption(value: string): string {
  // a folder that is there, as typed, wins: the user pointed at it
  if (fs.existsSync(value) && fs.statSync(value).isDirectory()) return path.resolve(value);
  try {
    return new ModelRegistry(defaultUserModelsDir()).resolve(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export const modelOption = () =>
  new Option('-m, --model <name|folder>', 'model: a name from `molscape models` or a bundle folder').argParser(resolveModelOption).default(defaultModelDir(), `the shipped ${DEFAULT_MODEL_NAME} model`);
export const strategyOption = (fallback: (typeof DECODE_STRATEGIES)[number] = 'greedy') =>
  new Option('--strategy <name>', 'decoding strategy').choices([...DECODE_STRATEGIES]).default(fallback);

/** --masked: greedy and sample decodes under the syntax and valence mask (valid-first always is). */
export const maskedOption = () =>
  new Option('--masked', 'greedy and sample: mask tokens that would break the SMILES syntax or an atom valence, or leave an aromatic ring that cannot be kekulized; greedy goes back a few tokens where the mask leaves only tokens the model all but rules out (valid-first always masks)').default(false);

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${value}`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${value}`);
  return n;
}

/** Writes a file atomically (a temp file renamed into place), creating the folder. */
export function writeOutput(file: string, text: string): void {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, target);
}

/** A CSV field, quoted when it needs to be. */
export function csvField(v: string | number | boolean | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const say = (cmd: string, text: string) => process.stderr.write(`molscape ${cmd}: ${text}\n`);
