// molscape encode FILE --out z.csv: latent means of a SMILES file (name, smiles, z0..zN), each molecule given to
// the model as RDKit's canonical SMILES (as the app's encode job does). A molecule the
// model's vocabulary cannot express is skipped and reported (line, molecule, token), never a crash.
// Exit 0 when any molecule was encoded, 1 when none was.
import { Command } from 'commander';
import { ModelService } from '../../../main/design/model-service.ts';
import { problemReason, readMoleculeFile } from '../../../main/design/molecule-input.ts';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { csvField, modelOption, say, writeOutput } from './model-options.ts';

export function encodeCommand(setExit: (code: number) => void): Command {
  return new Command('encode')
    .description('Encode a SMILES file to latent vectors (the mean of q(z|x)) as CSV.')
    .argument('<file>', 'SMILES file (SMILES [name] per line; .gz allowed)')
    .addOption(modelOption())
    .requiredOption('-o, --out <csv>', 'output CSV: name, smiles, z0..zN')
    .action(async (file: string, o: { model: string; out: string }) => setExit(await runEncode(file, o)));
}

async function runEncode(file: string, o: { model: string; out: string }): Promise<number> {
  const mols = readMoleculeFile(file);
  const model = await ModelService.open(o.model);
  try {
    const { mu, rows, problems } = await model.encodeMolecules(mols.map((m) => m.smiles));
    for (const p of problems) {
      const m = mols[p.index!];
      say('encode', `${file}:${m.line} (${m.name}): ${problemReason(p.message)}: ${m.smiles}`);
    }
    const L = model.latent;
    const lines = [['name', 'smiles', ...Array.from({ length: L }, (_, k) => `z${k}`)].join(',')];
    rows.forEach((i, r) => lines.push([csvField(mols[i].name), csvField(mols[i].smiles), ...Array.from(mu.subarray(r * L, (r + 1) * L), (v) => v.toPrecision(7))].join(',')));
    writeOutput(o.out, lines.join('\n') + '\n');
    say('encode', `${rows.length} of ${mols.length} molecules encoded to ${o.out}${problems.length ? `; ${problems.length} skipped (listed above)` : ''}`);
    return rows.length > 0 ? EXIT_OK : EXIT_NOTHING;
  } finally {
    await model.close();
  }
}
