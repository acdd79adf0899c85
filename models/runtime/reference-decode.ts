// For tests: the plainest decode there is, to check the real decoder (decode.ts: batched, finished rows compacted
// out, reused buffers, speculative valid-first batches) against. One row at a time, one decoder_step call per
// step on sessions of its own (one thread, nothing shared with the runtime's), the syntax checked token by token
// with can(), argmax / sampling / beam search written out without shortcuts. The seeding conventions are the
// decoder's documented ones: row r of a sampling decode seeded s draws from Rng(s·65537 + r); valid-first's
// sampled try c (c = 1, 2, …) of row r is row r of a sampling decode seeded seed·1009 + c.
import { Rng } from '../graph/rng.ts';
import { BOS_ID, EOS_ID } from '../vae/tokenizer.ts';
import { createSession, ort } from './session.ts';
import { SmilesSyntax, initialSyntaxState } from './syntax.ts';
import type { SyntaxState } from './syntax.ts';
import type { Decoded } from './decode.ts';
import { BACKTRACK, CUT_SHORT_SHARE } from './decode.ts';
import type { VaeRuntime } from './vae-runtime.ts';

export interface ReferenceOptions {
  maxLength?: number;
  constrained?: boolean;
}

export class ReferenceDecoder {
  private constructor(
    private readonly rt: VaeRuntime,
    private readonly init: ort.InferenceSession,
    private readonly step: ort.InferenceSession,
  ) {}

  static async create(rt: VaeRuntime): Promise<ReferenceDecoder> {
    const g = rt.model.graphs;
    return new ReferenceDecoder(rt, await createSession(g.initialState, { threads: 1 }), await createSession(g.decoderStep, { threads: 1 }));
  }

  async release(): Promise<void> {
    await this.init.release();
    await this.step.release();
  }

  private get H() {
    return this.rt.model.decoderHidden;
  }

  /** Initial state and z's input projection for one latent vector. */
  private async start(z: Float32Array): Promise<{ h: Float32Array; zproj: Float32Array }> {
    const out = await this.init.run({ z: new ort.Tensor('float32', z.slice(), [1, this.rt.latent]) });
    return { h: out.h.data as Float32Array, zproj: out.zproj.data as Float32Array };
  }

  /** One decoder step for one row: log-softmax of the logits (float64) and the next state. */
  private async next(zproj: Float32Array, token: number, h: Float32Array): Promise<{ logp: number[]; h: Float32Array }> {
    const H = this.H;
    const out = await this.step.run({
      zproj: new ort.Tensor('float32', zproj, [1, 3 * H]),
      token: new ort.Tensor('int64', BigInt64Array.of(BigInt(token)), [1]),
      h: new ort.Tensor('float32', h, [1, H]),
    });
    const logits = Array.from(out.logits.data as Float32Array);
    const max = Math.max(...logits);
    let sum = 0;
    for (const x of logits) sum += Math.exp(x - max);
    const lse = max + Math.log(sum);
    return { logp: logits.map((x) => x - lse), h: out.h_next.data as Float32Array };
  }

  private syntax(maxLength: number): SmilesSyntax {
    return new SmilesSyntax(this.rt.vocabulary.tokens, maxLength - 1);
  }

  /**
   * Tokens the syntax allows after state s, token by token: with the Kekulé check, else (none left: a dead end)
   * syntax and valences alone, else (none either) all of them; all when unconstrained.
   */
  private static allowedIds(syntax: SmilesSyntax | null, s: SyntaxState | null, V: number): { ids: number[]; deadEnd: boolean } {
    const all = [...Array(V).keys()];
    if (!syntax) return { ids: all, deadEnd: false };
    for (const strict of [true, false]) {
      const ok = all.filter((id) => (id === EOS_ID ? syntax.canEnd(s!, strict) : syntax.can(s!, id, undefined, strict)));
      if (ok.length > 0) return { ids: ok, deadEnd: !strict };
    }
    return { ids: all, deadEnd: true };
  }

  /**
   * One row, greedy (rng null or temperature ≤ 0) or sampled: pick a token among the allowed ones, add its
   * unmasked log-probability, stop at <eos> or after maxLength tokens. Constrained greedy (rng null) goes back
   * when forced, as decode.ts's BACKTRACK says: every token chosen is remembered with what choosing it again needs.
   */
  async decodeRow(z: Float32Array, o: ReferenceOptions & { rng?: Rng | null; temperature?: number } = {}): Promise<Decoded> {
    const maxLength = o.maxLength ?? this.rt.model.maxLength, V = this.rt.vocabulary.size;
    const syntax = o.constrained ? this.syntax(maxLength) : null;
    const backtracking = syntax !== null && !o.rng;
    type Choice = { state: SyntaxState | null; logp: number[]; h: Float32Array; id: number; given: Set<number> };
    const chosen: Choice[] = [];
    let budget = BACKTRACK.budget, backtracks = 0;
    const first = await this.start(z);
    const zproj = first.zproj;
    let h = first.h;
    let state: SyntaxState | null = syntax ? initialSyntaxState() : null;
    let token = BOS_ID, ended = false, cutShort = false;
    while (chosen.length < maxLength) {
      const res = await this.next(zproj, token, h);
      const { ids: allowed, deadEnd } = ReferenceDecoder.allowedIds(syntax, state, V);
      const temp = o.temperature ?? 1;
      let id = o.rng && temp > 0 ? sample(res.logp, allowed, temp, o.rng) : allowed.reduce((best, i) => (res.logp[i] > res.logp[best] ? i : best));
      let choice: Choice = { state, logp: res.logp, h: res.h, id, given: new Set() };
      if (backtracking && budget > 0 && (deadEnd || res.logp[id] < Math.log(BACKTRACK.forced))) {
        // the latest of the last WINDOW choices with another allowed token of ALT or more, not given up there before
        for (let k = chosen.length - 1; k >= Math.max(0, chosen.length - BACKTRACK.window); k--) {
          const c = chosen[k];
          const others = ReferenceDecoder.allowedIds(syntax, c.state, V).ids.filter((i) => i !== c.id && !c.given.has(i) && c.logp[i] >= Math.log(BACKTRACK.alternative));
          if (others.length === 0) continue;
          c.given.add(c.id);
          c.id = id = others.reduce((best, i) => (c.logp[i] > c.logp[best] ? i : best));
          chosen.length = k;
          choice = c;
          budget--;
          backtracks++;
          break;
        }
      }
      chosen.push(choice);
      if (id === EOS_ID) {
        ended = true;
        // the mask ended it where the model gave <eos> little (not when it allowed nothing and fell back to all)
        cutShort = syntax !== null && allowed.length < V && Math.exp(choice.logp[id]) < CUT_SHORT_SHARE;
        break;
      }
      state = syntax ? (syntax.next(choice.state!, id) ?? choice.state) : null;
      h = choice.h;
      token = id;
    }
    const ids = chosen.filter((c) => c.id !== EOS_ID).map((c) => c.id);
    const logProb = chosen.reduce((sum, c) => sum + c.logp[c.id], 0);
    return { smiles: this.rt.vocabulary.decode(ids), ids, logProb, ended, ...(cutShort ? { cutShort: true as const } : {}), ...(backtracks ? { backtracks } : {}) };
  }

  async greedy(z: Float32Array, rows: number, o: ReferenceOptions = {}): Promise<Decoded[]> {
    const out: Decoded[] = [];
    for (let r = 0; r < rows; r++) out.push(await this.decodeRow(this.row(z, r), o));
    return out;
  }

  async sample(z: Float32Array, rows: number, o: ReferenceOptions & { temperature?: number; seed?: number } = {}): Promise<Decoded[]> {
    const out: Decoded[] = [];
    for (let r = 0; r < rows; r++) out.push(await this.decodeRow(this.row(z, r), { ...o, rng: new Rng((o.seed ?? 0) * 65_537 + r) }));
    return out;
  }

  /**
   * Beam search for one row: every alive beam is extended by every allowed token, finished beams stay, and the
   * `width` most probable (unmasked log-probability) of all of these survive.
   */
  async beamRow(z: Float32Array, o: ReferenceOptions & { width: number }): Promise<Decoded[]> {
    const maxLength = o.maxLength ?? this.rt.model.maxLength, V = this.rt.vocabulary.size, k = Math.max(1, o.width);
    const syntax = o.constrained ? this.syntax(maxLength) : null;
    const { h, zproj } = await this.start(z);
    // parent: the syntax state the beam's last token was added to (its own state is worked out once it survives)
    type B = { ids: number[]; logProb: number; done: boolean; ended: boolean; parent: SyntaxState | null; h: Float32Array; cutShort?: true };
    const stateOf = (b: B) => (syntax && b.ids.length > 0 ? syntax.next(b.parent!, b.ids[b.ids.length - 1]) : initialSyntaxState());
    let beams: B[] = [{ ids: [], logProb: 0, done: false, ended: false, parent: null, h }];
    for (let t = 0; t < maxLength && beams.some((b) => !b.done); t++) {
      const cands: B[] = beams.filter((b) => b.done);
      for (const b of beams.filter((x) => !x.done)) {
        const res = await this.next(zproj, b.ids.length ? b.ids[b.ids.length - 1] : BOS_ID, b.h);
        const state = syntax ? stateOf(b) : null;
        const allowed = ReferenceDecoder.allowedIds(syntax, state, V).ids;
        for (const id of allowed) {
          const logProb = b.logProb + res.logp[id];
          if (id === EOS_ID) {
            // as greedy: the mask ended it where the model gave <eos> little
            const cutShort = syntax !== null && allowed.length < V && Math.exp(res.logp[id]) < CUT_SHORT_SHARE;
            cands.push({ ids: b.ids, logProb, done: true, ended: true, parent: null, h: res.h, ...(cutShort ? { cutShort: true as const } : {}) });
          } else cands.push({ ids: [...b.ids, id], logProb, done: t === maxLength - 1, ended: false, parent: state, h: res.h });
        }
      }
      beams = cands.sort((a, b) => b.logProb - a.logProb).slice(0, k);
    }
    return beams.map((b) => ({ smiles: this.rt.vocabulary.decode(b.ids), ids: b.ids, logProb: b.logProb, ended: b.ended, ...(b.cutShort ? { cutShort: b.cutShort } : {}) }));
  }

  async beam(z: Float32Array, rows: number, o: ReferenceOptions & { width: number }): Promise<Decoded[][]> {
    const out: Decoded[][] = [];
    for (let r = 0; r < rows; r++) out.push(await this.beamRow(this.row(z, r), o));
    return out;
  }

  /**
   * valid-first for each row alone: constrained greedy; then (beamWidth > 1) the constrained beam's other
   * decodes, most probable first, skipping ones already tried; then constrained samples, try c drawing from
   * Rng((seed·1009 + c)·65537 + r); until isValid accepts an ended, non-empty decode or maxTries are spent.
   */
  async validFirst(
    z: Float32Array, rows: number, isValid: (s: string) => boolean | Promise<boolean>,
    o: ReferenceOptions & { maxTries?: number; temperature?: number; seed?: number; beamWidth?: number } = {},
  ): Promise<{ smiles: string | null; tries: number }[]> {
    const maxTries = o.maxTries ?? 10, seed = o.seed ?? 0;
    const out: { smiles: string | null; tries: number }[] = [];
    for (let r = 0; r < rows; r++) {
      const zr = this.row(z, r);
      const res = { smiles: null as string | null, tries: 0 };
      const tried = new Set<string>();
      const judge = async (d: Decoded) => {
        res.tries++;
        tried.add(d.smiles);
        if (d.ended && !d.cutShort && d.smiles !== '' && (await isValid(d.smiles))) res.smiles = d.smiles;
        return res.smiles !== null;
      };
      const c = { ...o, constrained: true };
      let found = maxTries > 0 && (await judge(await this.decodeRow(zr, c)));
      if (!found && (o.beamWidth ?? 0) > 1) {
        for (const d of await this.beamRow(zr, { ...c, width: o.beamWidth! })) {
          if (found || res.tries >= maxTries) break;
          if (!tried.has(d.smiles)) found = await judge(d);
        }
      }
      for (let round = 1; !found && res.tries < maxTries; round++)
        found = await judge(await this.decodeRow(zr, { ...c, temperature: o.temperature ?? 1, rng: new Rng((seed * 1009 + round) * 65_537 + r) }));
      out.push(res);
    }
    return out;
  }

  private row(z: Float32Array, r: number): Float32Array {
    const L = this.rt.latent;
    return z.slice(r * L, (r + 1) * L);
  }
}

/**
 * A token drawn among the allowed ones with probability ∝ exp(logp / temperature) over them: the allowed
 * tokens' log-probabilities renormalized, then one uniform draw walked along the cumulative sum in token order.
 */
function sample(logp: number[], allowed: number[], temperature: number, rng: Rng): number {
  const max0 = Math.max(...allowed.map((i) => logp[i]));
  const lse = max0 + Math.log(allowed.reduce((s, i) => s + Math.exp(logp[i] - max0), 0));
  const renorm = allowed.map((i) => logp[i] - lse);
  const max = Math.max(...renorm);
  const weights = renorm.map((x) => Math.exp((x - max) / temperature));
  let u = rng.uniform() * weights.reduce((s, w) => s + w, 0);
  for (let j = 0; j < allowed.length; j++) {
    u -= weights[j];
    if (u < 0 && weights[j] > 0) return allowed[j];
  }
  return allowed.reduce((best, i) => (logp[i] > logp[best] ? i : best));
}
