// molscape decode z.csv: latent vectors (a CSV with z0..zN columns, as encode writes) to SMILES, one output
// row per input row: name, smiles (RDKit canonical; empty when RDKit refuses the decode), raw decode, valid.
// A row with a missing or non-numeric z value is reported (line, column) and written with no decode.
import { Command } from 'commander';
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ModelService } from '../../../main/design/model-service.ts';
import type { DecodeStrategy } from '../../../main/design/model-service.ts';
import { EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { csvField, maskedOption, modelOption, positiveNumber, say, strategyOption, wholeNumber, writeOutput } from './model-options.ts';

interface DecodeOptions {
  model: string;
  out?: string;
  strategy: DecodeStrategy;
  masked: boolean;
  seed: number;
  temperature: number;
  beamWidth: number;
}

export function decodeCommand(setExit: (code: number) => void): Command {
  return new Command('decode')
    .description('Decode latent vectors (CSV with z0..zN columns) to SMILES.')
    .argument('<zcsv>', 'CSV with z0..zN columns (name optional)')
    .addOption(modelOption())
    .addOption(strategyOption())
    .addOption(maskedOption())
    .option('--seed <n>', 'seed for sampling strategies', wholeNumber, 0)
    .option('--temperature <t>', 'sampling temperature', positiveNumber, 1)
    .option('--beam-width <k>', 'beam width (beam, valid-first)', wholeNumber, 5)
    .option('-o, --out <csv>', 'output CSV (default: standard output)')
    .action(async (file: string, o: DecodeOptions) => setExit(await runDecode(file, o)));
}

async function runDecode(file: string, o: DecodeOptions): Promise<number> {
  const records = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Record<string, string>[];
  const model = await ModelService.open(o.model);
  try {
    const L = model.latent;
    const header = records.length ? Object.keys(records[0]) : [];
    const zCols = header.filter((h) => /^z\d+$/.test(h)).length;
    if (records.length && zCols !== L) {
      say('decode', `${file}: ${zCols} z columns, the model has a ${L}-dimensional latent space (z0..z${L - 1})`);
      return EXIT_USAGE;
    }
    const ok: number[] = [];
    const z = new Float32Array(records.length * L);
    records.forEach((r, i) => {
      for (let k = 0; k < L; k++) {
        const v = Number(r[`z${k}`]);
        if (r[`z${k}`] === undefined || r[`z${k}`].trim() === '' || !Number.isFinite(v)) {
          say('decode', `${file}:${i + 2}: z${k} is ${JSON.stringify(r[`z${k}`] ?? '')}, not a number: row not decoded`);
          return;
        }
        z[ok.length * L + k] = v;
      }
      ok.push(i);
    });
    const decoded = await model.decode(z, ok.length, { strategy: o.strategy, constrained: o.masked, seed: o.seed, temperature: o.temperature, beamWidth: o.beamWidth });
    const byRow = new Map(ok.map((i, j) => [i, decoded[j]]));
    const lines = ['name,smiles,raw,valid'];
    records.forEach((r, i) => {
      const d = byRow.get(i);
      lines.push([csvField(r.name ?? `row ${i + 1}`), csvField(d?.smiles ?? ''), csvField(d?.raw ?? ''), d ? String(d.valid) : ''].join(','));
    });
    const text = lines.join('\n') + '\n';
    if (o.out) writeOutput(o.out, text);
    else process.stdout.write(text);
    const valid = decoded.filter((d) => d.valid).length;
    say('decode', `${ok.length} rows decoded (${o.strategy}), ${valid} valid${o.out ? `, written to ${o.out}` : ''}`);
    return ok.length > 0 ? EXIT_OK : EXIT_NOTHING;
  } finally {
    await model.close();
  }
}
