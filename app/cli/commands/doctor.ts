// molscape doctor FILE [--model BUNDLE] [--json]: a dataset check before training or encoding (see
// main/design/doctor.ts). Readable summary by default; --json prints the whole report.
import { Command } from 'commander';
import { verifyBundle } from '../../../models/vae/bundle.ts';
import { Vocabulary } from '../../../models/vae/tokenizer.ts';
import { loadRDKit } from '../../../main/chem/rdkit.ts';
import { doctor } from '../../../main/design/doctor.ts';
import type { DoctorReport } from '../../../main/design/doctor.ts';
import { readMoleculeFile } from '../../../main/design/molecule-input.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { modelOption, wholeNumber } from './model-options.ts';

interface DoctorCliOptions {
  model: string;
  epochs: number;
  json: boolean;
  limit: number;
}

export function doctorCommand(setExit: (code: number) => void): Command {
  return new Command('doctor')
    .description('Check a SMILES file: vocabulary, unknown tokens, lengths, mixtures, duplicates, invalid SMILES, training time.')
    .argument('<file>', 'SMILES file (SMILES [name] per line; .gz allowed)')
    .addOption(modelOption())
    .option('--epochs <n>', 'epochs for the training-time estimate', wholeNumber, 30)
    .option('--limit <n>', 'examples listed per finding', wholeNumber, 10)
    .option('--json', 'print the full report as JSON', false)
    .action(async (file: string, o: DoctorCliOptions) => setExit(await runDoctor(file, o)));
}

async function runDoctor(file: string, o: DoctorCliOptions): Promise<number> {
  await loadRDKit();
  const { manifest } = verifyBundle(o.model);
  const report = doctor(readMoleculeFile(file), {
    vocabulary: Vocabulary.fromJSON(manifest.vocabulary), modelName: manifest.name, maxLength: manifest.architecture.maxLength, epochs: o.epochs, listLimit: o.json ? 1000 : o.limit,
  });
  process.stdout.write(o.json ? JSON.stringify(report, null, 1) + '\n' : summary(file, report));
  return EXIT_OK;
}

function summary(file: string, r: DoctorReport): string {
  const out: string[] = [];
  const at = (w: { line: number; smiles: string }) => `${file}:${w.line}  ${w.smiles}`;
  out.push(`${r.molecules} molecules, ${r.vocabulary.size} distinct tokens`);
  const oov = r.outOfVocabulary!;
  out.push(`out of the model's vocabulary (${oov.model}): ${oov.molecules} molecules${oov.tokens.length ? `; tokens ${oov.tokens.map((t) => `${t.token} ×${t.count}`).join(', ')}` : ''}`);
  for (const e of oov.examples) out.push(`  ${at(e)}: ${e.reason}`);
  const l = r.lengths;
  out.push(`length in tokens: min ${l.min}, median ${l.p50}, mean ${l.mean.toFixed(1)}, p95 ${l.p95}, p99 ${l.p99}, max ${l.max}; longer than the model decodes (${l.modelMaxLength}): ${l.tooLong.length}; far outliers: ${l.outliers.length}`);
  for (const e of l.outliers) out.push(`  ${at(e)}`);
  out.push(`salts/mixtures ('.'): ${r.mixtures.count}`);
  for (const e of r.mixtures.examples) out.push(`  ${at(e)}`);
  out.push(`duplicates (same canonical SMILES): ${r.duplicates.count}`);
  for (const e of r.duplicates.examples) out.push(`  ${at(e)} (first on line ${e.firstLine})`);
  out.push(`invalid SMILES: ${r.invalid.count}`);
  for (const e of r.invalid.examples) out.push(`  ${at(e)}: ${e.reason}`);
  const t = r.trainingEstimate;
  out.push(`training estimate: ${(t.secondsPerEpoch / 60).toFixed(1)} min an epoch, ${(t.seconds / 3600).toFixed(1)} h for ${t.epochs} epochs (${t.basis})`);
  return out.join('\n') + '\n';
}
