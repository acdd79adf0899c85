// Reads a SMILES file for the model commands: one molecule a line, SMILES first, an optional name after
// whitespace; blank lines and '#' comments skipped; gzip allowed. Line numbers are kept so every problem can
// say where it is.
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface InputMolecule {
  smiles: string;
  name: string;
  /** 1-based line in the file. */
  line: number;
}

export function readMoleculeFile(file: string): InputMolecule[] {
  if (!fs.existsSync(file)) throw new Error(`There is no file ${file}.`);
  if (fs.statSync(file).isDirectory()) throw new Error(`${file} is a folder, not a SMILES file.`);
  const raw = fs.readFileSync(file);
  const text = file.endsWith('.gz') ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const out: InputMolecule[] = [];
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].trim();
    if (!row || row.startsWith('#')) continue;
    const [smiles, ...rest] = row.split(/\s+/);
    if (i === 0 && /^smiles$/i.test(smiles)) continue; // a header line
    out.push({ smiles, name: rest.join(' ') || `line ${i + 1}`, line: i + 1 });
  }
  return out;
}

/** The reason of a tokenizer Problem message without its "molecule N ('…'): " prefix (callers say where). */
export function problemReason(message: string): string {
  return message.replace(/^(molecule \d+ \('.*'\)|SMILES '.*'): /, '');
}
