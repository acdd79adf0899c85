// Decoding latent vectors to SMILES, batched: greedy, temperature sampling (seeded, one generator per row so a
// row's draw does not depend on its batch-mates), beam search of width k, each optionally syntax-constrained
// (tokens that cannot continue a valid SMILES are masked; constrained greedy goes back a few tokens where the mask
// would force it into a token the model all but rules out: BACKTRACK), and valid-first (greedy, then constrained
// samples, until a caller's isValid accepts). A row stops at <eos>; only rows still running go into the next step, and
// decoding stops as soon as every row has ended. Latent vectors are flat row-major [rows × latent].
import { Rng } from '../graph/rng.ts';
import { BOS_ID, EOS_ID } from '../vae/tokenizer.ts';
import { SmilesSyntax, initialSyntaxState } from './syntax.ts';
import type { SyntaxState } from './syntax.ts';
import type { VaeRuntime } from './vae-runtime.ts';
import type { GreedyProposal } from './greedy-loop.ts';

export interface DecodeOptions {
  /** Longest decode in tokens, <eos> included (default: the model's maxLength). */
  maxLength?: number;
  /** Mask tokens that cannot continue a syntactically valid SMILES. */
  constrained?: boolean;
  /**
   * Asked before every decoder step: true abandons the decode with a DecodeStopped error (a speculative decode
   * making way for a real request; the ORT runs are async, so the request gets the runtime within one step).
   */
  shouldStop?: () => boolean;
}

/** Thrown by a decode whose shouldStop said so. */
export class DecodeStopped extends Error {
  constructor() {
    super('decode stopped');
    this.name = 'DecodeStopped';
  }
}

export interface Decoded {
  smiles: string;
  /** Token ids without <bos>/<eos>. */
  ids: number[];
  /** Sum of the chosen tokens' log-probabilities (under the model, before temperature or masking). */
  logProb: number;
  /** False when the decode hit maxLength without <eos>. */
  ended: boolean;
  /**
   * Constrained decodes only, and only when true: the mask ended the decode where the model gave <eos> less than
   * CUT_SHORT_SHARE, because nothing else was allowed ("O=O" where the model meant "O=O..." to go on). Such a
   * decode is the mask's molecule, not the model's: valid-first does not take it, masked greedy does not count
   * it valid.
   */
  cutShort?: true;
  /** Constrained greedy decodes only, and only when some: how often the decode went back (see BACKTRACK). */
  backtracks?: number;
}

/**
 * Measured on 3,000 prior draws of the shipped model with masked greedy: 48 valid decodes ended with <eos> under
 * 1 % (half of them under 12 tokens: O=O three times, CCCl, COCC(O)C#N), as against 1,900 that ended where the
 * model chose to; a tenfold lower or higher threshold moves that count by a few.
 */
export const CUT_SHORT_SHARE = 0.01;

/**
 * Backtracking of a constrained greedy decode. The mask can only refuse a token; when the model is sure of one it
 * refuses (a ring closure that would leave the ring unkekulizable), the prefix is usually doomed already, and
 * taking the best allowed token anyway (under 1 %) sends the decode off the model's distribution: it writes on
 * to the length limit. So where the decode is forced (its best allowed token under FORCED, or the Kekulé check
 * leaves nothing), it goes back to the latest of its last WINDOW tokens that had an allowed alternative of ALT or
 * more, takes that alternative instead (the token given up there is not taken there again), and goes on greedily;
 * at most BUDGET times a decode. A decode never forced is plain masked greedy, so a molecule the model decodes
 * valid without the mask is decoded the same.
 * Measured on 1,000 prior draws of zinc-chembl (seed 5), valid and not cut short: 81.8 % without, 94.1 % with
 * (BUDGET 20: 94.8 %; ALT 0.01: 91.5 % without the dead-end trigger); 400 draws, seed 11: 85.8 -> 96.5 %.
 */
export const BACKTRACK = { budget: 10, window: 16, forced: CUT_SHORT_SHARE, alternative: 0.05 } as const;

/** Whether valid-first may take decode d as its answer, if isValid accepts it: ended, not cut short, not empty. */
const answerable = (d: Decoded) => d.ended && !d.cutShort && d.smiles !== '';

const syntaxCache = new WeakMap<VaeRuntime, Map<number, SmilesSyntax>>();
function syntaxFor(rt: VaeRuntime, maxLength: number): SmilesSyntax {
  let m = syntaxCache.get(rt);
  if (!m) syntaxCache.set(rt, (m = new Map()));
  let s = m.get(maxLength);
  if (!s) m.set(maxLength, (s = new SmilesSyntax(rt.vocabulary.tokens, maxLength - 1)));
  return s;
}

/** log-softmax of logits[off .. off+v) into out (masked entries −∞). */
function logSoftmax(logits: Float32Array, off: number, v: number, mask: Uint8Array | null, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < v; i++) if (!mask || mask[i]) max = Math.max(max, logits[off + i]);
  let sum = 0;
  for (let i = 0; i < v; i++) if (!mask || mask[i]) sum += Math.exp(logits[off + i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < v; i++) out[i] = !mask || mask[i] ? logits[off + i] - lse : -Infinity;
}

type Picker = (logp: Float64Array, row: number) => number;

/**
 * Called after each step with the rows that finished in it (their smiles set); true stops every row at once
 * (valid-first's speculative batch stops as soon as its answer is known).
 */
type Finished = (rows: number[], out: Decoded[]) => boolean | Promise<boolean>;

/**
 * The steps of a greedy Loop's proposal (greedy-loop.ts), handed out while the decode feeds the tokens the Loop
 * fed; from the first step fed otherwise, none (the decode steps on from there with the proposal's last state).
 */
class Proposal {
  constructor(
    private p: GreedyProposal | null,
    private readonly V: number,
    private readonly H: number,
  ) {}

  /** Step t's logits and next state, when it was fed `token`; null: not proposed. */
  step(t: number, token: bigint): { logits: Float32Array; h: Float32Array } | null {
    const p = this.p;
    if (!p || t >= p.fed.length || p.fed[t] !== token) {
      this.p = null;
      return null;
    }
    const { V, H } = this;
    return { logits: p.logits.subarray(t * V, (t + 1) * V), h: p.h.slice(t * H, (t + 1) * H) };
  }

  /** No more steps from the proposal (the decode went back: its steps no longer follow the Loop's). */
  abandon(): void {
    this.p = null;
  }
}

/** One token of a backtracking decode: what is needed to choose again there (views of the step's outputs). */
interface Frame {
  /** the syntax state the token was chosen in */
  state: SyntaxState;
  /** the step's logits */
  logits: Float32Array;
  /** the decoder state after the step (whichever token is chosen) */
  h: Float32Array;
  /** the decode's log-probability before the token */
  logProb: number;
  chosen: number;
  /** tokens given up here by earlier backtracks */
  excluded: number[];
}

/**
 * Where a forced decode goes back to (BACKTRACK): the latest frame of the last WINDOW with an allowed token, not
 * yet chosen there, of ALT or more; the best such token (the first of equals) and its log-probability. Null: none.
 */
function backtrackTarget(frames: Frame[], syntax: SmilesSyntax, mask: Uint8Array, logp: Float64Array): { at: number; id: number; logp: number } | null {
  const V = mask.length, minLogp = Math.log(BACKTRACK.alternative);
  for (let k = frames.length - 1; k >= 0 && k >= frames.length - BACKTRACK.window; k--) {
    const f = frames[k];
    syntax.mask(f.state, mask);
    logSoftmax(f.logits, 0, V, null, logp);
    let best = -1;
    for (let i = 0; i < V; i++) if (mask[i] && i !== f.chosen && !f.excluded.includes(i) && logp[i] >= minLogp && (best < 0 || logp[i] > logp[best])) best = i;
    if (best >= 0) return { at: k, id: best, logp: logp[best] };
  }
  return null;
}

/**
 * The shared step loop of greedy and sampling: pick chooses a token from (masked) log-probabilities. propose:
 * pick is greedy's, so a one-row decode may take its steps from a greedy Loop. A Loop call cannot be stopped
 * between steps: shouldStop is asked before it and at every step after it. backtracks(r): row r is a
 * constrained greedy decode, and goes back when forced (BACKTRACK).
 */
async function stepLoop(
  rt: VaeRuntime, z: Float32Array, rows: number, pick: Picker, o: DecodeOptions, finished?: Finished, propose = false, backtracks?: (r: number) => boolean,
): Promise<Decoded[]> {
  const H = rt.model.decoderHidden, V = rt.vocabulary.size;
  const maxLength = o.maxLength ?? rt.model.maxLength;
  const syntax = o.constrained ? syntaxFor(rt, maxLength) : null;
  const out: Decoded[] = Array.from({ length: rows }, () => ({ smiles: '', ids: [], logProb: 0, ended: false }));
  if (rows === 0) return out;
  const states: (SyntaxState | null)[] = Array.from({ length: rows }, () => (syntax ? initialSyntaxState() : null));
  // per row: its frames when it backtracks, and the backtracks it has left
  const frames: (Frame[] | null)[] = Array.from({ length: rows }, (_, r) => (syntax && backtracks?.(r) ? [] : null));
  const budget = new Int32Array(rows).fill(BACKTRACK.budget);
  const logForced = Math.log(BACKTRACK.forced);
  let active = [...Array(rows).keys()];
  const init = await rt.initialState(z, rows);
  let h = init.h, zp = init.zproj; // both compacted to the running rows
  let tokens = new BigInt64Array(rows).fill(BigInt(BOS_ID));
  const mask = new Uint8Array(V), plain = new Float64Array(V), masked = new Float64Array(V);
  const scratchMask = new Uint8Array(V), scratchLogp = new Float64Array(V);
  // a stop asked for before the Loop runs is heeded; during it (one ORT call of ~2–4 ms) it waits for the first step
  if (o.shouldStop?.()) throw new DecodeStopped();
  const proposal = new Proposal(propose && rows === 1 ? await rt.greedyProposal(zp, h, maxLength) : null, V, H);
  for (let t = 0; active.length > 0; t++) {
    const n = active.length;
    if (o.shouldStop?.()) throw new DecodeStopped();
    const res = proposal.step(t, tokens[0]) ?? (await rt.step(zp, tokens, h, n));
    const still: number[] = [], keep: number[] = [], ended: number[] = [];
    // the next decoder state of a running row that went back (by its place in still): its frame's, not res.h's row
    const frameH: Float32Array[] = [];
    let wentBack = false;
    active.forEach((r, j) => {
      logSoftmax(res.logits, j * V, V, null, plain);
      let m: Uint8Array | null = null, deadEnd = false;
      if (syntax) {
        deadEnd = !syntax.mask(states[r]!, mask);
        m = mask.some((x) => x) ? mask : null; // nothing can follow (cannot happen within the limit): unmasked
      }
      if (m) logSoftmax(res.logits, j * V, V, m, masked);
      let id = pick(m ? masked : plain, r);
      let logpId = plain[id], hBack: Float32Array | null = null;
      const d = out[r], fr = frames[r];
      if (fr) {
        const back = (deadEnd || logpId < logForced) && budget[r] > 0 ? backtrackTarget(fr, syntax!, scratchMask, scratchLogp) : null;
        if (back) {
          const f = fr[back.at];
          f.excluded.push(f.chosen);
          f.chosen = id = back.id;
          fr.length = back.at + 1;
          budget[r]--;
          d.backtracks = (d.backtracks ?? 0) + 1;
          d.ids.length = back.at;
          d.logProb = f.logProb;
          states[r] = f.state;
          logpId = back.logp;
          hBack = f.h;
          wentBack = true;
        } else fr.push({ state: states[r]!, logits: res.logits.subarray(j * V, (j + 1) * V), h: res.h.subarray(j * H, (j + 1) * H), logProb: d.logProb, chosen: id, excluded: [] });
      }
      d.logProb += logpId;
      if (id === EOS_ID) {
        d.ended = true;
        if (m && Math.exp(logpId) < CUT_SHORT_SHARE) d.cutShort = true;
      } else {
        d.ids.push(id);
        if (syntax) states[r] = syntax.next(states[r]!, id) ?? states[r];
        if (d.ids.length < maxLength) {
          if (hBack) frameH[still.length] = hBack;
          still.push(r);
          keep.push(j);
          return;
        }
      }
      ended.push(r);
    });
    if (wentBack) proposal.abandon();
    if (finished && ended.length > 0) {
      for (const r of ended) out[r].smiles = rt.vocabulary.decode(out[r].ids);
      if (await finished(ended, out)) break;
    }
    if (still.length === 0) break;
    tokens = new BigInt64Array(still.length);
    keep.forEach((j, k) => (tokens[k] = BigInt(out[still[k]].ids[out[still[k]].ids.length - 1])));
    if (still.length === n && !wentBack) h = res.h;
    else {
      const hN = new Float32Array(still.length * H);
      keep.forEach((j, k) => hN.set(frameH[k] ?? res.h.subarray(j * H, (j + 1) * H), k * H));
      h = hN;
    }
    if (still.length !== n) {
      const zN = new Float32Array(still.length * 3 * H);
      keep.forEach((j, k) => zN.set(zp.subarray(j * 3 * H, (j + 1) * 3 * H), k * 3 * H));
      zp = zN;
    }
    active = still;
  }
  for (const d of out) d.smiles = rt.vocabulary.decode(d.ids);
  return out;
}

const argmax = (a: Float64Array) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};

export function greedyDecode(rt: VaeRuntime, z: Float32Array, rows: number, o: DecodeOptions = {}): Promise<Decoded[]> {
  return stepLoop(rt, z, rows, (logp) => argmax(logp), o, undefined, true, () => true);
}

export interface SampleOptions extends DecodeOptions {
  temperature?: number;
  seed?: number;
}

/** Row r's generator in a sampling decode seeded `seed` (one per row: a row's draw ignores its batch-mates). */
const rowRng = (seed: number, r: number) => new Rng(seed * 65_537 + r);

/** A token drawn from log-probabilities at a temperature (argmax at temperature ≤ 0); probs is scratch. */
function drawToken(logp: Float64Array, temp: number, rng: Rng, probs: Float64Array): number {
  if (temp <= 0) return argmax(logp);
  let max = -Infinity;
  for (const x of logp) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < logp.length; i++) sum += probs[i] = Math.exp((logp[i] - max) / temp);
  let u = rng.uniform() * sum;
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i];
    if (u < 0 && probs[i] > 0) return i;
  }
  return argmax(logp);
}

export function sampleDecode(rt: VaeRuntime, z: Float32Array, rows: number, o: SampleOptions = {}): Promise<Decoded[]> {
  return sampleRows(rt, z, [...Array(rows).keys()], o);
}

/**
 * A sampling decode of some rows of a larger call: z's row j draws from the generator of row rowIds[j], so a
 * row draws the same whichever other rows are decoded with it (valid-first's later rounds decode a subset).
 */
export function sampleRows(rt: VaeRuntime, z: Float32Array, rowIds: readonly number[], o: SampleOptions): Promise<Decoded[]> {
  const temp = o.temperature ?? 1;
  const seed = o.seed ?? 0;
  const rngs = rowIds.map((r) => rowRng(seed, r));
  const probs = new Float64Array(rt.vocabulary.size);
  return stepLoop(rt, z, rowIds.length, (logp, j) => drawToken(logp, temp, rngs[j], probs), o);
}

export interface BeamOptions extends DecodeOptions {
  width: number;
}

interface Beam {
  ids: number[];
  logProb: number;
  done: boolean;
  ended: boolean;
  state: SyntaxState | null;
  /** Row of the step's output holding this beam's state (while alive). */
  h: Float32Array;
  /** ended by the mask where the model gave <eos> under CUT_SHORT_SHARE (as greedy's cutShort) */
  cutShort?: true;
}

/** Beam search: per row, up to `width` decodes sorted by log-probability (best first). */
export async function beamDecode(rt: VaeRuntime, z: Float32Array, rows: number, o: BeamOptions): Promise<Decoded[][]> {
  const H = rt.model.decoderHidden, V = rt.vocabulary.size, k = Math.max(1, o.width);
  const maxLength = o.maxLength ?? rt.model.maxLength;
  const syntax = o.constrained ? syntaxFor(rt, maxLength) : null;
  if (rows === 0) return [];
  const { h: h0, zproj } = await rt.initialState(z, rows);
  const Z = 3 * H;
  let beams: Beam[][] = Array.from({ length: rows }, (_, r) => [{ ids: [], logProb: 0, done: false, ended: false, state: syntax ? initialSyntaxState() : null, h: h0.slice(r * H, (r + 1) * H) }]);
  const mask = new Uint8Array(V), logp = new Float64Array(V), plain = new Float64Array(V);
  for (let t = 0; t < maxLength; t++) {
    const alive: { r: number; b: Beam }[] = [];
    beams.forEach((bs, r) => bs.forEach((b) => !b.done && alive.push({ r, b })));
    if (alive.length === 0) break;
    const n = alive.length;
    const zA = new Float32Array(n * Z), hA = new Float32Array(n * H), tok = new BigInt64Array(n);
    alive.forEach(({ r, b }, j) => {
      zA.set(zproj.subarray(r * Z, (r + 1) * Z), j * Z);
      hA.set(b.h, j * H);
      tok[j] = BigInt(b.ids.length ? b.ids[b.ids.length - 1] : BOS_ID);
    });
    if (o.shouldStop?.()) throw new DecodeStopped();
    const res = await rt.step(zA, tok, hA, n);
    const cands: Beam[][] = beams.map((bs) => bs.filter((b) => b.done));
    alive.forEach(({ r, b }, j) => {
      logSoftmax(res.logits, j * V, V, null, plain);
      let m: Uint8Array | null = null;
      if (syntax) {
        m = syntax.allowed(b.state!, mask);
        if (!m.some((x) => x)) m = null;
      }
      logSoftmax(res.logits, j * V, V, m, logp);
      // This beam's k best continuations are enough: no more than k survive per row.
      const top = [...logp.keys()].filter((i) => logp[i] > -Infinity).sort((a, c) => logp[c] - logp[a]).slice(0, k);
      const h = res.h.slice(j * H, (j + 1) * H);
      for (const id of top) {
        const score = b.logProb + plain[id];
        if (id === EOS_ID) cands[r].push({ ids: b.ids, logProb: score, done: true, ended: true, state: null, h, ...(m && Math.exp(plain[id]) < CUT_SHORT_SHARE ? { cutShort: true as const } : {}) });
        else {
          const last = t === maxLength - 1;
          cands[r].push({ ids: [...b.ids, id], logProb: score, done: last, ended: false, state: syntax ? syntax.next(b.state!, id) : null, h });
        }
      }
    });
    beams = cands.map((c) => c.sort((a, b) => b.logProb - a.logProb).slice(0, k));
  }
  return beams.map((bs) => bs.map((b) => ({ smiles: rt.vocabulary.decode(b.ids), ids: b.ids, logProb: b.logProb, ended: b.ended, ...(b.cutShort ? { cutShort: b.cutShort } : {}) })));
}

export interface ValidFirstOptions extends DecodeOptions {
  /** Most decodes per row, the greedy one included (default 10). */
  maxTries?: number;
  temperature?: number;
  seed?: number;
  /** After greedy, try the decodes of a constrained beam search of this width, most probable first (0: skip). */
  beamWidth?: number;
  /**
   * For a single row without a beam: decode this many of the sampled tries in the same batch as greedy (and
   * then batches twice as large, up to 8 rows), judged in the usual order, so a row whose greedy decode is invalid does not
   * pay for its tries one after another (an ORT decoder step costs the same for 1 to 4 rows, ~0.17 ms; each
   * extra row adds ~15 µs of JS a step). Same result, same isValid calls, as one at a time (default 1: greedy
   * and the first sample together, which cut the walk bench's decode p95 by ~20 % for ~1 ms on the median;
   * 0: one at a time).
   */
  lookahead?: number;
  /**
   * For a single row without a beam: greedy alone first (one greedy-Loop call, when the model has one: a few
   * milliseconds), then the sampled tries in batches of 1 + lookahead, doubling up to 8. Same result; cheaper
   * where greedy is valid (most slider positions), as fast where it is not.
   */
  greedyFirst?: boolean;
  /**
   * For a single row without a beam: its constrained greedy decode, made already (a decode thread made it, the
   * caller's thread free meanwhile): judged as the first try without decoding it again.
   */
  greedy?: Decoded;
}

export interface ValidFirstResult {
  /** The first decode isValid accepted, or null when none did within maxTries. */
  smiles: string | null;
  /** Decodes tried for this row (1 = greedy was valid). */
  tries: number;
}

/**
 * Greedy (constrained) first; then, with beamWidth, the other decodes of a constrained beam search, most
 * probable first; then constrained samples, batched per round over the rows still without a valid decode.
 * Row r's sampled try of round c is row r of a sampling decode seeded seed·1009 + c, whichever rows are still
 * pending with it (a row's answer does not depend on how its batch-mates fared).
 */
export async function validFirstDecode(
  rt: VaeRuntime, z: Float32Array, rows: number, isValid: (smiles: string) => boolean | Promise<boolean>, o: ValidFirstOptions = {},
): Promise<ValidFirstResult[]> {
  const L = rt.latent;
  const maxTries = o.maxTries ?? 10;
  const out: ValidFirstResult[] = Array.from({ length: rows }, () => ({ smiles: null, tries: 0 }));
  const tried: Set<string>[] = Array.from({ length: rows }, () => new Set());
  const subset = (rs: number[]) => {
    const zP = new Float32Array(rs.length * L);
    rs.forEach((r, j) => zP.set(z.subarray(r * L, (r + 1) * L), j * L));
    return zP;
  };
  /** One try for row r; true when it found the row's decode. */
  const judge = async (r: number, d: Decoded) => {
    out[r].tries++;
    tried[r].add(d.smiles);
    if (answerable(d) && (await isValid(d.smiles))) {
      out[r].smiles = d.smiles;
      return true;
    }
    return false;
  };
  const lookahead = o.lookahead ?? 1;
  if (rows === 1 && (lookahead > 0 || o.greedyFirst || o.greedy) && (o.beamWidth ?? 0) <= 1) return [await validFirstOne(rt, z, isValid, o, maxTries, lookahead)];
  let pending = [...Array(rows).keys()];
  if (maxTries > 0 && pending.length > 0) {
    const greedy = await greedyDecode(rt, subset(pending), pending.length, { ...o, constrained: true });
    const next: number[] = [];
    for (let j = 0; j < pending.length; j++) if (!(await judge(pending[j], greedy[j]))) next.push(pending[j]);
    pending = next;
  }
  if ((o.beamWidth ?? 0) > 1 && pending.length > 0) {
    const beams = await beamDecode(rt, subset(pending), pending.length, { ...o, constrained: true, width: o.beamWidth! });
    const next: number[] = [];
    for (let j = 0; j < pending.length; j++) {
      const r = pending[j];
      let found = false;
      for (const d of beams[j]) {
        if (out[r].tries >= maxTries) break;
        if (tried[r].has(d.smiles)) continue; // the greedy decode again: not a new try
        if ((found = await judge(r, d))) break;
      }
      if (!found) next.push(r);
    }
    pending = next;
  }
  for (let round = 1; pending.length > 0; round++) {
    pending = pending.filter((r) => out[r].tries < maxTries);
    if (pending.length === 0) break;
    const samples = await sampleRows(rt, subset(pending), pending, { ...o, constrained: true, temperature: o.temperature ?? 1, seed: (o.seed ?? 0) * 1009 + round });
    const next: number[] = [];
    for (let j = 0; j < pending.length; j++) if (!(await judge(pending[j], samples[j]))) next.push(pending[j]);
    pending = next;
  }
  return out;
}

/**
 * valid-first for one row, speculatively batched: candidate 0 is greedy, candidate c ≥ 1 the sample of round c
 * of the one-at-a-time order (same generator, so the same decode); the first batch holds 1 + lookahead
 * candidates, each next one twice as many (at most 8).
 * Candidates are judged strictly in order as they finish; decoding stops once the answer is known.
 */
async function validFirstOne(
  rt: VaeRuntime, z: Float32Array, isValid: (smiles: string) => boolean | Promise<boolean>, o: ValidFirstOptions, maxTries: number, lookahead: number,
): Promise<ValidFirstResult> {
  const L = rt.latent, temp = o.temperature ?? 1, seed = o.seed ?? 0;
  const res: ValidFirstResult = { smiles: null, tries: 0 };
  const probs = new Float64Array(rt.vocabulary.size);
  /** One more try judged; true when it is the answer. */
  const accepts = async (d: Decoded) => {
    res.tries++;
    if (!(answerable(d) && (await isValid(d.smiles)))) return false;
    res.smiles = d.smiles;
    return true;
  };
  // greedy given: the first try is judged as it is, the decoding starts at the first sample
  const start = o.greedy && maxTries > 0 ? 1 : 0;
  if (o.greedy && maxTries > 0 && (await accepts(o.greedy))) return res;
  // a row that needed more than the first batch tends to need several more: each batch doubles (at most 8 rows);
  // greedyFirst: greedy alone, then 1 + lookahead samples
  const nextSize = (first: number, size: number) => (o.greedyFirst && first === 1 ? 1 + lookahead : Math.min(8, 2 * size));
  for (let first = start, size = o.greedyFirst && start === 0 ? 1 : 1 + lookahead; first < maxTries && res.smiles === null; first += size, size = nextSize(first, size)) {
    const n = Math.min(size, maxTries - first);
    const zs = new Float32Array(n * L);
    for (let j = 0; j < n; j++) zs.set(z.subarray(0, L), j * L);
    // the sampled round c draws from row 0's generator of a sampling decode seeded seed·1009 + c
    const rngs = Array.from({ length: n }, (_, j) => (first + j === 0 ? null : rowRng(seed * 1009 + (first + j), 0)));
    const done = new Uint8Array(n);
    let next = 0; // the next candidate to judge, in order
    const pick: Picker = (logp, j) => (rngs[j] ? drawToken(logp, temp, rngs[j]!, probs) : argmax(logp));
    // greedy alone (candidate 0 in a batch of one) may take its steps from the greedy Loop
    await stepLoop(rt, zs, n, pick, { ...o, constrained: true }, async (ended, out) => {
      for (const j of ended) done[j] = 1;
      for (; next < n && done[next]; next++) if (await accepts(out[next])) return true;
      return false;
    }, n === 1 && first === 0, (j) => rngs[j] === null);
  }
  return res;
}
