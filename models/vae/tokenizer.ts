// SMILES tokens and the model's vocabulary. Tokens follow the usual regex split (Schwaller et al.; the same as
// pytorch_reference.py): a bracket atom is one token, so are Cl, Br and a %nn ring closure; every other
// character is its own token. Nothing here throws on bad input: a SMILES with a character the regex cannot place,
// or with a token the vocabulary lacks, comes back as a Problem that names the molecule, the token and where.

/** One SMILES token at a time, anchored at lastIndex (sticky), so unknown characters are noticed, not skipped. */
const TOKEN = /\[[^\]]+\]|Br|Cl|%\d{2}|[BCNOPSFIbcnops]|[()=#\-+\\/:~@?>*$.]|\d/y;

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
export const SPECIALS = [PAD, BOS, EOS, UNK] as const;
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;

export interface Problem {
  /** The SMILES as given. */
  smiles: string;
  /** Index of the molecule in the batch or file, when the caller gave one. */
  index?: number;
  /** The offending token (or character). */
  token: string;
  /** Character offset of the token in the SMILES. */
  position: number;
  message: string;
}

export type Tokenized = { ok: true; tokens: string[] } | { ok: false; problem: Problem };

export function tokenize(smiles: string, index?: number): Tokenized {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < smiles.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(smiles);
    if (!m) {
      const token = smiles[at] === '[' ? smiles.slice(at) : smiles[at];
      const why = smiles[at] === '[' ? 'an unclosed bracket atom' : `the character '${smiles[at]}', which is not SMILES`;
      return { ok: false, problem: { smiles, index, token, position: at, message: `${where(smiles, index)}: ${why} at position ${at + 1}` } };
    }
    tokens.push(m[0]);
  }
  if (tokens.length === 0) return { ok: false, problem: { smiles, index, token: '', position: 0, message: `${where(smiles, index)}: empty SMILES` } };
  return { ok: true, tokens };
}

function where(smiles: string, index?: number): string {
  const shown = smiles.length > 80 ? `${smiles.slice(0, 77)}...` : smiles;
  return index === undefined ? `SMILES '${shown}'` : `molecule ${index + 1} ('${shown}')`;
}

export type Encoded = { ok: true; ids: Int32Array } | { ok: false; problem: Problem };

export interface VocabularyJson {
  /** Every token in id order; the four specials first. */
  tokens: string[];
}

export class Vocabulary {
  private readonly index: Map<string, number>;

  private constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /**
   * From training SMILES: the specials, then every token seen at least minCount times, sorted (deterministic
   * for the same data). SMILES that do not tokenize are reported and left out.
   */
  static fromSmiles(smiles: Iterable<string>, o: { minCount?: number } = {}): { vocabulary: Vocabulary; problems: Problem[] } {
    const counts = new Map<string, number>();
    const problems: Problem[] = [];
    let i = 0;
    for (const s of smiles) {
      const t = tokenize(s, i++);
      if (!t.ok) {
        problems.push(t.problem);
        continue;
      }
      for (const tok of t.tokens) counts.set(tok, (counts.get(tok) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, c]) => c >= (o.minCount ?? 1)).map(([t]) => t).sort();
    return { vocabulary: new Vocabulary([...SPECIALS, ...kept]), problems };
  }

  static fromJSON(json: unknown): Vocabulary {
    const tokens = (json as VocabularyJson | null)?.tokens;
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new Error('vocabulary: expected { tokens: string[] }');
    SPECIALS.forEach((s, i) => {
      if (tokens[i] !== s) throw new Error(`vocabulary: token ${i} must be ${s}, found ${JSON.stringify(tokens[i])}`);
    });
    if (new Set(tokens).size !== tokens.length) throw new Error('vocabulary: a token occurs twice');
    return new Vocabulary(tokens);
  }

  toJSON(): VocabularyJson {
    return { tokens: [...this.tokens] };
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number | undefined {
    return this.index.get(token);
  }

  /** <bos> token ids <eos>; a token outside the vocabulary is a Problem (which token, which molecule, where). */
  encode(smiles: string, index?: number): Encoded {
    const t = tokenize(smiles, index);
    if (!t.ok) return t;
    const ids = new Int32Array(t.tokens.length + 2);
    ids[0] = BOS_ID;
    let pos = 0;
    for (let k = 0; k < t.tokens.length; k++) {
      const tok = t.tokens[k];
      const id = this.index.get(tok);
      if (id === undefined || id < SPECIALS.length) {
        const message = `${where(smiles, index)}: the token '${tok}' at position ${pos + 1} is not in the model's vocabulary`;
        return { ok: false, problem: { smiles, index, token: tok, position: pos, message } };
      }
      ids[k + 1] = id;
      pos += tok.length;
    }
    ids[ids.length - 1] = EOS_ID;
    return { ok: true, ids };
  }

  /** Encodes many; the good ones keep their index, each bad one becomes a Problem. */
  encodeAll(smiles: readonly string[]): { encoded: { index: number; ids: Int32Array }[]; problems: Problem[] } {
    const encoded: { index: number; ids: Int32Array }[] = [];
    const problems: Problem[] = [];
    smiles.forEach((s, i) => {
      const e = this.encode(s, i);
      if (e.ok) encoded.push({ index: i, ids: e.ids });
      else problems.push(e.problem);
    });
    return { encoded, problems };
  }

  /** Tokens up to the first <eos> (a leading <bos> and any <pad> skipped) joined into a SMILES. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS_ID) break;
      if (id === BOS_ID || id === PAD_ID) continue;
      out += id === UNK_ID ? '?' : (this.tokens[id] ?? '?');
    }
    return out;
  }
}
