// Options and helpers shared by the model commands (encode, decode, sample, reconstruct, evaluate, doctor).
import { Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { DECODE_STRATEGIES } from '../../../main/design/model-service.ts';
import { defaultModelDir } from '../../../main/design/model-path.ts';

export const modelOption = () => new Option('-m, --model <bundle>', 'model bundle folder').default(defaultModelDir(), 'the shipped zinc250k model');
export const strategyOption = () => new Option('--strategy <name>', 'decoding strategy').choices([...DECODE_STRATEGIES]).default('greedy');

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
