// SMILES files: one structure per line, an optional name after whitespace (or tab-separated columns),
// '#' comments and blank lines skipped, a header line such as "smiles name" or "SMILES\tID" recognised.
import { SMILES_CHARS } from './columns.ts';
import { splitLines, type EncodingNotes } from './lines.ts';
import { controlCharacter, problem, typedValue } from './problem.ts';
import type { ReadItem, UserValue } from './types.ts';

export interface SmilesReadOptions {
  file: string;
  maxLength: number;
  /** Where lines read in another encoding than UTF-8 are counted. */
  notes?: EncodingNotes;
}

const SMILES_HEADER = /^(smiles|smi|canonical_?smiles|isomeric_?smiles|structure|mol|molecule)$/i;

export async function* readSmilesLines(chunks: AsyncIterable<Buffer>, options: SmilesReadOptions): AsyncGenerator<ReadItem> {
  const { file, maxLength } = options;
  let record = 0;
  let seenData = false;
  let columns: string[] | null = null; // from a tab-separated header with more than two columns
  for await (const { line, text, cut, bytes, offset } of splitLines(chunks, Math.max(maxLength * 4, 64 * 1024), options.notes)) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (cut) {
      yield { ...problem(file, line, ++record, `line too long (${bytes.toLocaleString('en-US')} bytes, from byte ${offset.toLocaleString('en-US')})`, trimmed), offset };
      seenData = true;
      continue;
    }
    const bad = controlCharacter(trimmed);
    if (bad >= 0) {
      yield { ...problem(file, line, ++record, `binary or control character (code ${trimmed.charCodeAt(bad)}) at column ${bad + 1}`, trimmed), offset };
      seenData = true;
      continue;
    }
    const tabbed = trimmed.includes('\t');
    const fields = tabbed ? trimmed.split('\t').map((f) => f.trim()) : splitFirstWhitespace(trimmed);
    const structure = fields[0];
    if (!seenData) {
      seenData = true;
      // "smiles name", "SMILES\tID", or a CSV-style "SMILES,Name" header at the top of a .smi file
      if (SMILES_HEADER.test(structure) || SMILES_HEADER.test(structure.split(/[,;]/)[0])) {
        if (tabbed && fields.length > 2) columns = fields;
        continue;
      }
    }
    record++;
    if (structure.length > maxLength) {
      yield problem(file, line, record, `structure too long (${structure.length} characters, at most ${maxLength})`, trimmed);
      continue;
    }
    if (!SMILES_CHARS.test(structure)) {
      const at = [...structure].findIndex((ch) => !SMILES_CHARS.test(ch));
      yield problem(file, line, record, `not a SMILES: unexpected character '${[...structure][at]}' at column ${at + 1}`, trimmed);
      continue;
    }
    let name = fields[1] ? fields[1] : null;
    let smiles = structure;
    // CXSMILES: "CCO |$R1;;$| name" — the |...| extension belongs to the structure, the name follows it.
    const cx = name ? /^(\|[^|]*\|)\s*(.*)$/.exec(name) : null;
    if (cx) {
      smiles = `${structure} ${cx[1]}`;
      name = cx[2].trim() || null;
    }
    const userProps: Record<string, UserValue> = {};
    const width = Math.max(fields.length, columns?.length ?? 0);
    for (let i = 2; i < width; i++) userProps[columns?.[i] ?? `column${i + 1}`] = typedValue(fields[i] ?? '');
    yield { kind: 'record', line, record, structure: smiles, format: 'smiles', name, userProps };
  }
}

function splitFirstWhitespace(text: string): string[] {
  const match = /\s+/.exec(text);
  if (!match) return [text];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length).trim()];
}
