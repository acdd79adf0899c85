// molscape reconstruct FILE --out report.csv [--invert]: encode each molecule (as RDKit's canonical SMILES), decode its
// mean (greedy unless --strategy says otherwise: beam search of the mean finds a more probable decode), and compare
// canonical SMILES (exact = the same molecule). With --invert, a molecule the mean does not give back is searched
// for in latent space as a design seed is (main/design/inversion.ts); the `method` column says how it was held (mean,
// posterior, gradient) or that it was not (then `decoded` is the nearest molecule held). Molecules the model cannot
// encode are listed with why.
import { Command } from 'commander';
import { canonicalSmiles } from '../../../main/design/canonical.ts';
import { Inverter } from '../../../main/design/inversion.ts';
import { ModelService } from '../../../main/design/model-service.ts';
import type { DecodeStrategy } from '../../../main/design/model-service.ts';
import { problemReason, readMoleculeFile } from '../../../main/design/molecule-input.ts';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { csvField, modelOption, say, strategyOption, wholeNumber, writeOutput } from './model-options.ts';

export function reconstructCommand(setExit: (code: number) => void): Command {
  return new Command('reconstruct')
    .description('Encode and decode each molecule; report whether the decode is the same molecule.')
    .argument('<file>', 'SMILES file (SMILES [name] per line; .gz allowed)')
    .addOption(modelOption())
    .addOption(strategyOption())
    .option('--beam-width <k>', 'beam width (beam: the most probable of k decodes that RDKit reads, default 5; valid-first: the beam\'s decodes tried after greedy, default none)', wholeNumber)
    .option('--invert', 'search latent space for a point that decodes to each molecule the mean does not give back (columns input, decoded, exact, method)', false)
    .requiredOption('-o, --out <csv>', 'report CSV: name, input, decoded, exact, problem (with --invert: input, decoded, exact, method, similarity, name, problem)')
    .action(async (file: string, o: ReconstructOptions) => setExit(await (o.invert ? runInvert(file, o) : runReconstruct(file, o))));
}

interface ReconstructOptions {
  model: string;
  out: string;
  strategy: DecodeStrategy;
  beamWidth?: number;
  invert: boolean;
}

async function runInvert(file: string, o: ReconstructOptions): Promise<number> {
  const mols = readMoleculeFile(file);
  const model = await ModelService.open(o.model);
  const inverter = new Inverter(model);
  try {
    const lines = ['input,decoded,exact,method,similarity,name,problem'];
    let held = 0, encoded = 0;
    for (const m of mols) {
      const want = canonicalSmiles(m.smiles);
      if (want === null) {
        lines.push([csvField(m.smiles), '', '', '', '', csvField(m.name), 'RDKit cannot parse the input'].join(','));
        continue;
      }
      const enc = await model.encode([want]);
      if (!enc.rows.length) {
        const problem = problemReason(enc.problems[0].message);
        say('reconstruct', `${file}:${m.line} (${m.name}): ${problem}`);
        lines.push([csvField(m.smiles), '', '', '', '', csvField(m.name), csvField(problem)].join(','));
        continue;
      }
      encoded++;
      const h = await inverter.invert(want, enc.mu, enc.logvar);
      if (h.held) held++;
      const decoded = h.held ? want : (h.nearest ?? '');
      lines.push([csvField(m.smiles), csvField(decoded), String(h.held), h.method ?? 'not held', h.held ? '1' : (h.similarity?.toFixed(3) ?? ''), csvField(m.name), ''].join(','));
    }
    writeOutput(o.out, lines.join('\n') + '\n');
    say('reconstruct', `${held} of ${mols.length} held exactly (${encoded} encoded), report in ${o.out}`);
    return encoded > 0 ? EXIT_OK : EXIT_NOTHING;
  } finally {
    await inverter.close();
    await model.close();
  }
}

async function runReconstruct(file: string, o: ReconstructOptions): Promise<number> {
  const mols = readMoleculeFile(file);
  const model = await ModelService.open(o.model);
  try {
    const { mu, rows, problems } = await model.encodeMolecules(mols.map((m) => m.smiles));
    const decoded = await model.decode(mu, rows.length, { strategy: o.strategy, beamWidth: o.beamWidth });
    const result = new Map(rows.map((i, r) => [i, decoded[r]]));
    const problemOf = new Map(problems.map((p) => [p.index!, problemReason(p.message)]));
    const lines = ['name,input,decoded,exact,problem'];
    let exact = 0;
    mols.forEach((m, i) => {
      const d = result.get(i);
      const want = canonicalSmiles(m.smiles);
      const same = d !== undefined && d.smiles !== null && want !== null && d.smiles === want;
      if (same) exact++;
      const problem = problemOf.get(i) ?? (want === null ? 'RDKit cannot parse the input' : d && !d.valid ? 'RDKit refuses the decode' : '');
      if (problemOf.has(i)) say('reconstruct', `${file}:${m.line} (${m.name}): ${problem}`);
      lines.push([csvField(m.name), csvField(m.smiles), csvField(d?.smiles ?? d?.raw ?? ''), d ? String(same) : '', csvField(problem)].join(','));
    });
    writeOutput(o.out, lines.join('\n') + '\n');
    say('reconstruct', `${exact} of ${mols.length} reconstructed exactly (${rows.length} encoded), report in ${o.out}`);
    return rows.length > 0 ? EXIT_OK : EXIT_NOTHING;
  } finally {
    await model.close();
  }
}
