// The model's report card (issue 13, item 4): the metric code, on plain arrays and RDKit molecules, with MOSES's
// definitions (Polykovskiy et al. 2020) where MOSES defines them:
// - reconstruction with and without stereo (stereo marks removed, then canonical SMILES compared) and the share
//   decoded within Tanimoto 0.9 of the input;
// - on draws: validity, uniqueness at 1k and 10k (of the first k valid), novelty, IntDiv1 = 1 − mean Tanimoto
//   and IntDiv2 = 1 − √(mean Tanimoto²) over pairs of valid draws (metrics.ts), the MOSES filters (allowed atoms C N S O F Cl
//   Br H, no charge, no ring of 8 or more atoms, none of MOSES's MCF or the PAINS SMARTS, matched with explicit
//   hydrogens), SNN (mean over draws of the Tanimoto to the nearest test molecule) and Scaf (cosine similarity of
//   the Bemis–Murcko scaffold counts of draws and test set) and Frag (the same of their BRICS fragment counts,
//   brics.ts: MOSES's fragmenter written on MinimalLib's SMARTS matching, stereo marks not kept).
// Fingerprints are the app's Morgan radius 2, 2048 bits (MOSES uses 1024 bits for SNN and
// IntDiv; figures differ a little).
import { morganFingerprint, tanimoto } from '../chem/fingerprint.ts';
import type { MolGraph } from '../chem/mol-graph.ts';
import { BondType, molGraph } from '../chem/mol-graph.ts';
import { painsMatches } from '../chem/pains.ts';
import { compileSmarts, matchTarget } from '../chem/queries.ts';
import type { CompiledQuery } from '../chem/queries.ts';
import { withMol } from '../chem/rdkit.ts';
import { fragmentCounts } from './brics.ts';
import { canonicalSmiles } from './canonical.ts';
import { internalDiversity } from './metrics.ts';
import type { ModelService } from './model-service.ts';
import { writeSubgraph } from './subgraph-smiles.ts';
import { Rng } from '../../models/graph/rng.ts';

/** The molecule without stereo marks (@, / and \), canonical; null when RDKit cannot read it. */
export function withoutStereo(smiles: string): string | null {
  return canonicalSmiles(smiles.replace(/@+/g, '').replace(/[/\\]/g, ''));
}

/**
 * The Bemis–Murcko scaffold as RDKit's MurckoScaffold makes it: ring systems and the linkers between them, with
 * atoms double-bonded to them kept (a ring's C=O); '' for a molecule without rings. Written from the graph with
 * explicit hydrogen counts, then canonicalized by RDKit.
 */
export function murckoScaffold(g: MolGraph): string {
  const keep = new Uint8Array(g.numAtoms).fill(1);
  const degree = (a: number) => g.atomBonds[a].reduce((n, b) => n + keep[g.bondBegin[b] === a ? g.bondEnd[b] : g.bondBegin[b]], 0);
  for (let changed = true; changed; ) {
    changed = false;
    for (let a = 0; a < g.numAtoms; a++) {
      if (keep[a] && g.ringCount[a] === 0 && degree(a) <= 1) {
        keep[a] = 0;
        changed = true;
      }
    }
  }
  // a terminal atom double-bonded to the scaffold stays (RDKit keeps the exocyclic =O of a ring or linker)
  const core = keep.slice();
  for (let a = 0; a < g.numAtoms; a++) {
    if (core[a] || g.atomBonds[a].length !== 1) continue;
    const b = g.atomBonds[a][0];
    const n = g.bondBegin[b] === a ? g.bondEnd[b] : g.bondBegin[b];
    if (core[n] && g.bondType[b] === BondType.DOUBLE) keep[a] = 1;
  }
  if (!keep.some((k) => k)) return '';
  return canonicalSmiles(writeSubgraph(g, keep)) ?? '';
}

// ---- MOSES filters -------------------------------------------------------------------------------------------

/** MOSES's medicinal-chemistry filters (moses/metrics/mcf.csv, MIT licence): SMARTS, data. */
export const MCF_SMARTS = [
  '[#6]=&!@[#6]-[#6]#[#7]', '[#6]=&!@[#6]-[#16](=[#8])=[#8]', '[#6]=&!@[#6&!H0]-&!@[#6](=[#8])-&!@[#7]', '[H]C([H])([#6])[F,Cl,Br,I]',
  '[#6]1-[#8]-[#6]-1', '[#6]-[#7]=[#6]=[#8]', '[#6&!H0]=[#8]', '[#6](=&!@[#7&!H0])-&!@[#6,#7,#8,#16]', '[#6]1-[#7]-[#6]-1',
  '[#6]~&!@[#7]~&!@[#7]~&!@[#6]', '[#7]=&!@[#7]', '[H][#6]-1=[#6]([H])-[#6]=[#6](-*)-[#8]-1', '[H][#6]-1=[#6]([H])-[#6]=[#6](-*)-[#16]-1',
  '[#17,#35,#53]-c(:*):[!#1!#6]:*', '[H][#7]([H])-[#6]-1=[#6]-[#6]=[#6]-[#6]=[#6]-1', '[#16]~[#16]', '[#7]~&!@[#7]~&!@[#7]',
  '[#7]-&!@[#6&!H0&!H1]-&!@[#7]', '[#6&!H0](-&!@[#8])-&!@[#8]', '[#35].[#35].[#35]', '[#17].[#17].[#17].[#17]', '[#9].[#9].[#9].[#9].[#9].[#9].[#9]',
];
const ALLOWED_ATOMS = new Set([6, 7, 16, 8, 9, 17, 35, 1]);
let mcf: CompiledQuery[] | null = null;

/** MOSES's mol_passes_filters: allowed atoms, no charge, no ring of 8 or more, no MCF or PAINS match (with Hs). */
export function passesMosesFilters(smiles: string): boolean {
  mcf ??= MCF_SMARTS.map(compileSmarts);
  const plain = withMol(smiles, (mol) => {
    const g = molGraph(mol);
    for (let a = 0; a < g.numAtoms; a++) if (!ALLOWED_ATOMS.has(g.z[a]) || g.charge[a] !== 0) return false;
    if (g.rings.some((r) => r.length >= 8)) return false;
    return painsMatches(matchTarget(mol, g)).length === 0;
  });
  if (!plain) return false;
  // the MCF SMARTS name explicit hydrogens ([H]C([H])…): matched on the molecule with its hydrogens as atoms
  const withHs = withMol(smiles, (mol) => mol.add_hs());
  if (!withHs) return false;
  return (
    withMol(
      withHs,
      // no element screen here: it counts heavy atoms, and these SMARTS match hydrogen atoms
      (mol) => !mcf!.some((q) => mol.get_substruct_match(q.qmol) !== '{}'),
      { removeHs: false },
    ) ?? false
  );
}

// ---- set metrics -----------------------------------------------------------------------------------------------

/** Distinct / count among the first k valid molecules (null when fewer than k are valid). */
export function uniqueAt(valid: readonly string[], k: number): number | null {
  if (valid.length < k) return null;
  return new Set(valid.slice(0, k)).size / k;
}

/** SNN: the mean over generated molecules of the Tanimoto similarity to the nearest reference molecule. */
export function nearestNeighbourSimilarity(generated: readonly Uint32Array[], reference: readonly Uint32Array[]): number {
  if (!generated.length || !reference.length) return 0;
  let sum = 0;
  for (const g of generated) {
    let best = 0;
    for (const r of reference) {
      const t = tanimoto(g, r);
      if (t > best) best = t;
    }
    sum += best;
  }
  return sum / generated.length;
}

/** Cosine similarity of two count vectors keyed by string (MOSES's Frag and Scaf). */
export function cosineOfCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0, na = 0, nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    dot += v * (b.get(k) ?? 0);
  }
  for (const v of b.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Scaffold counts of molecules (MOSES counts the empty scaffold of acyclic molecules too). */
export function scaffoldCounts(smiles: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of smiles) {
    const sc = withMol(s, (m) => murckoScaffold(molGraph(m)));
    if (sc === undefined) continue;
    out.set(sc, (out.get(sc) ?? 0) + 1);
  }
  return out;
}

/** Morgan fingerprints of SMILES RDKit reads (others left out). */
export function fingerprints(smiles: readonly string[]): Uint32Array[] {
  return smiles.map((s) => withMol(s, morganFingerprint)).filter((f): f is Uint32Array => f !== undefined);
}

// ---- the whole card for a model ---------------------------------------------------------------------------------

export interface ReportCardInput {
  test: readonly string[];
  train: readonly string[];
  /** prior draws (30,000 for the published card) */
  draws: number;
  seed?: number;
  /** draws compared to the test set for SNN at most (a seeded sample beyond; SNN costs draws × test) */
  snnLimit?: number;
  log?: (line: string) => void;
}

export interface DrawCard {
  /** greedy-masked: greedy under the syntax and valence mask (syntax.ts), still one decode a draw */
  strategy: 'greedy' | 'greedy-masked' | 'valid-first';
  draws: number;
  validity: number;
  unique1k: number | null;
  unique10k: number | null;
  novelty: number;
  intDiv1: number;
  intDiv2: number;
  filters: number;
  snn: number;
  scaf: number;
  frag: number;
}

/** What the card's figures mean, written into it. */
export const REPORT_CARD_DEFINITIONS = {
  exact: "greedy decode of the encoder's mean has the input's RDKit canonical SMILES (as the app canonicalizes)",
  draws:
    'z ~ N(0, I); greedy: one decode each; greedy, masked: one decode each, tokens that would break the SMILES syntax or a valence or leave an aromatic system that cannot be kekulized masked, ' +
    'going back up to 16 tokens (at most 10 times) where the mask leaves only tokens under 1 %, a decode the mask ended where the model gave <eos> under 1 % not valid; valid-first: masked greedy, then masked samples, until RDKit reads one the mask did not end so',
  metrics: 'MOSES definitions; Morgan r2 2048 bits (MOSES: 1024); BRICS fragments and scaffolds without stereo marks (MOSES keeps them)',
};

export async function reportCard(model: ModelService, input: ReportCardInput) {
  const log = input.log ?? (() => {});
  const seed = input.seed ?? 0;
  const t0 = performance.now();
  log(`reconstructing ${input.test.length} test molecules`);
  const canonTest = input.test.map((s) => canonicalSmiles(s)).filter((s): s is string => s !== null);
  const enc = await model.encode(canonTest);
  const dec = await model.decode(enc.mu, enc.rows.length, { strategy: 'greedy' });
  let exact = 0, exactNoStereo = 0, close = 0;
  enc.rows.forEach((i, r) => {
    const want = canonTest[i], got = dec[r].smiles;
    if (got === null) return;
    if (got === want) exact++;
    if (withoutStereo(got) === withoutStereo(want)) exactNoStereo++;
    const [a, b] = [withMol(got, morganFingerprint), withMol(want, morganFingerprint)];
    if (a && b && tanimoto(a, b) >= 0.9) close++;
  });
  const n = canonTest.length;
  const reconstruction = { molecules: n, notEncodable: enc.problems.length, exact: exact / n, exactWithoutStereo: exactNoStereo / n, tanimotoAtLeast09: close / n };

  const train = new Set(input.train.map((s) => canonicalSmiles(s) ?? s));
  const testFps = fingerprints(canonTest);
  const testScaffolds = scaffoldCounts(canonTest);
  const testFragments = fragmentCounts(canonTest);
  const cards: DrawCard[] = [];
  for (const strategy of ['greedy', 'greedy-masked', 'valid-first'] as const) {
    log(`${input.draws} prior draws, ${strategy}`);
    const settings = strategy === 'greedy-masked' ? { strategy: 'greedy' as const, constrained: true } : { strategy };
    const drawn = await model.sample(input.draws, seed, { ...settings, seed });
    const valid = drawn.map((d) => d.smiles).filter((s): s is string => s !== null);
    const unique = [...new Set(valid)];
    const fps = fingerprints(unique);
    const rng = new Rng(seed + 7);
    log(`${strategy}: diversity, filters, SNN, scaffolds, fragments`);
    const snnSet = fps.length > (input.snnLimit ?? Infinity) ? rng.shuffle([...fps]).slice(0, input.snnLimit) : fps;
    cards.push({
      strategy, draws: input.draws,
      validity: valid.length / input.draws,
      unique1k: uniqueAt(valid, 1000), unique10k: uniqueAt(valid, 10_000),
      novelty: unique.length ? unique.filter((s) => !train.has(s)).length / unique.length : 0,
      intDiv1: intDiv(fps, 1, rng), intDiv2: intDiv(fps, 2, rng),
      filters: valid.length ? valid.filter(passesMosesFilters).length / valid.length : 0,
      snn: nearestNeighbourSimilarity(snnSet, testFps),
      scaf: cosineOfCounts(scaffoldCounts(valid), testScaffolds),
      frag: cosineOfCounts(fragmentCounts(valid), testFragments),
    });
  }
  return {
    model: { name: model.name, sha256: model.manifestSha256, latent: model.latent },
    reconstruction, draws: cards, seed,
    definitions: REPORT_CARD_DEFINITIONS,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
  };
}

export type ReportCard = Awaited<ReturnType<typeof reportCard>>;

/** IntDiv_p of valid draws (metrics.ts), up to 500,000 seeded pairs; 0 for fewer than two molecules. */
function intDiv(fps: readonly Uint32Array[], p: 1 | 2, rng: Rng): number {
  return fps.length < 2 ? 0 : internalDiversity(fps.length, (i, j) => tanimoto(fps[i], fps[j]), (k) => rng.int(k), 500_000, p);
}

/** The report card as the model card's markdown. */
export function reportCardMarkdown(c: ReportCard, about: { test: string; train: string; date: string; data?: string }): string {
  const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);
  const num = (v: number) => v.toFixed(3);
  const g = c.draws.find((d) => d.strategy === 'greedy')!;
  const v = c.draws.find((d) => d.strategy === 'valid-first')!;
  // cards measured before masked greedy was reported have two columns
  const m = c.draws.find((d) => d.strategy === 'greedy-masked');
  const cols = (f: (d: DrawCard) => string) => [g, ...(m ? [m] : []), v].map(f).join(' | ');
  return `# Model card: ${c.model.name}

Model sha256 (of its manifest): \`${c.model.sha256}\`; latent size ${c.model.latent}. Measured ${about.date} with
\`molscape evaluate --report-card\` (test set: ${about.test}; novelty against: ${about.train}; seed ${c.seed}).
${about.data ? `\n## Training data\n\n${about.data}\n` : ''}
## Reconstruction (${c.reconstruction.molecules} test molecules)

| exact | exact, stereo ignored | Tanimoto ≥ 0.9 | not encodable |
|---|---|---|---|
| ${pct(c.reconstruction.exact)} | ${pct(c.reconstruction.exactWithoutStereo)} | ${pct(c.reconstruction.tanimotoAtLeast09)} | ${c.reconstruction.notEncodable} |

## ${g.draws.toLocaleString('en')} draws from N(0, I)

| metric | greedy | ${m ? 'greedy, masked | ' : ''}valid-first |
|---|---|---|${m ? '---|' : ''}
| validity | ${cols((d) => pct(d.validity))} |
| unique@1k | ${cols((d) => pct(d.unique1k))} |
| unique@10k | ${cols((d) => pct(d.unique10k))} |
| novelty | ${cols((d) => pct(d.novelty))} |
| IntDiv1 | ${cols((d) => num(d.intDiv1))} |
| IntDiv2 | ${cols((d) => num(d.intDiv2))} |
| filters (MOSES) | ${cols((d) => pct(d.filters))} |
| SNN to test | ${cols((d) => num(d.snn))} |
| Scaf to test | ${cols((d) => num(d.scaf))} |
| Frag to test | ${cols((d) => num(d.frag))} |

${c.definitions.exact}. ${c.definitions.draws}. ${c.definitions.metrics}.
`;
}
