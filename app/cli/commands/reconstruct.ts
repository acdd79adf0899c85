// molscape reconstruct FILE --out report.csv: encode each molecule (as RDKit's canonical SMILES), greedy-decode its mean, and compare
// canonical SMILES (exact = the same molecule). Molecules the model cannot encode are listed with why.
import { Command } from 'commander';
import { canonicalSmiles } from '../../../main/design/canonical.ts';
import { ModelService } from '../../../main/design/model-service.ts';
import type { DecodeStrategy } from '../../../main/design/model-service.ts';
import { problemReason, readMoleculeFile } from '../../../main/design/molecule-input.ts';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { csvField, modelOption, say, strategyOption, writeOutput } from './model-options.ts';

export function reconstructCommand(setExit: (code: number) => void): Command {
  return new Command('reconstruct')
    .description('Encode and decode each molecule; report whether the decode is the same molecule.')
    .argument('<file>', 'SMILES file (SMILES [name] per line; .gz allowed)')
    .addOption(modelOption())
    .addOption(strategyOption())
    .requiredOption('-o, --out <csv>', 'report CSV: name, input, decoded, exact, problem')
    .action(async (file: string, o: { model: string; out: string; strategy: DecodeStrategy }) => setExit(await runReconstruct(file, o)));
}

async function runReconstruct(file: string, o: { model: string; out: string; strategy: DecodeStrategy }): Promise<number> {
  const mols = readMoleculeFile(file);
  const model = await ModelService.open(o.model);
  try {
    const { mu, rows, problems } = await model.encodeMolecules(mols.map((m) => m.smiles));
    const decoded = await model.decode(mu, rows.length, { strategy: o.strategy });
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
