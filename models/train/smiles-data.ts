// Just enough SMILES handling for the engine's benchmark and proof runs, matching pytorch_reference.py token
// for token: the same regex tokenizer, vocabulary order (<pad>, <bos>, <eos>, then sorted tokens) and
// filtering. The app's real tokenizer and vocabulary live in models/vae.
import fs from 'node:fs';
import zlib from 'node:zlib';

const TOKEN = /(\[[^\]]+\]|Br|Cl|%\d{2}|[BCNOPSFIbcnops]|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|\d)/g;

export const tokenize = (smiles: string): string[] => smiles.match(TOKEN) ?? [];

/** The first `limit` SMILES (first column) of a .smi or .smi.gz file. */
export function readSmiles(file: string, limit = Infinity): string[] {
  let text = fs.readFileSync(file);
  if (file.endsWith('.gz')) text = zlib.gunzipSync(text);
  const out: string[] = [];
  for (const line of text.toString('utf8').split('\n')) {
    if (out.length >= limit) break;
    const s = line.trim().split(/\s+/)[0];
    if (s) out.push(s);
  }
  return out;
}

export interface Encoded {
  vocab: string[];
  /** Token ids with <bos> (1) first and <eos> (2) last. */
  sequences: Int32Array[];
}

/** Vocabulary and id sequences, keeping sequences of at most maxLength ids (bos and eos included). */
export function encodeSmiles(smiles: readonly string[], maxLength: number): Encoded {
  const toks = smiles.map(tokenize);
  const vocab = ['<pad>', '<bos>', '<eos>', ...[...new Set(toks.flat())].sort()];
  const idx = new Map(vocab.map((t, i) => [t, i]));
  const sequences = toks
    .filter((ts) => ts.length + 2 <= maxLength)
    .map((ts) => Int32Array.from([1, ...ts.map((t) => idx.get(t)!), 2]));
  return { vocab, sequences };
}
