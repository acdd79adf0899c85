// molscape models: every model `--model` accepts — the shipped ones and those you trained (kept in the user's
// models folder) — with what each was trained on, its size and its figures; a broken one with the reason.
import { Command } from 'commander';
import { ModelRegistry, defaultUserModelsDir } from '../../../main/design/model-registry.ts';
import { EXIT_OK } from '../exit-codes.ts';

export function modelsCommand(setExit: (code: number) => void): Command {
  return new Command('models')
    .description('List the models --model accepts: shipped and trained, with their cards.')
    .option('--json', 'one JSON array (the app\'s models.list)', false)
    .action((o: { json: boolean }) => {
      const registry = new ModelRegistry(defaultUserModelsDir());
      const list = registry.list();
      if (o.json) process.stdout.write(JSON.stringify(list, null, 1) + '\n');
      else {
        const pct = (x: number | undefined) => (x === undefined ? '' : `${(100 * x).toFixed(1)} %`);
        for (const m of list) {
          const head = `${m.name}\t${m.source}${m.isDefault ? ' (default)' : ''}`;
          if (m.problem || !m.card) {
            process.stdout.write(`${head}\tBROKEN: ${m.problem}\n`);
            continue;
          }
          const c = m.card;
          const parts = [
            `trained on ${c.trainedOn.file} (${c.trainedOn.molecules} molecules)`,
            c.baseModel ? `from ${c.baseModel.name}` : 'from scratch',
            `vocabulary ${c.vocabularySize}${c.addedTokens.length ? ` (+${c.addedTokens.length})` : ''}`,
            `latent ${m.latent}`,
            `${(c.bytes / 1e6).toFixed(1)} MB`,
            m.createdAt?.slice(0, 10) ?? '',
          ];
          if (c.holdout) parts.push(`held out: ${c.holdout.before ? `${pct(c.holdout.before.exact)} → ` : ''}${pct(c.holdout.after.exact)} exact`);
          if (c.metrics.reconstruction !== undefined) parts.push(`reconstruction ${pct(c.metrics.reconstruction)}`);
          const k = c.metrics;
          if (k.cardDraws !== undefined) {
            parts.push(`report card (${k.cardDraws} draws): exact ${pct(k.cardExact)}, validity greedy ${pct(k.cardValidityGreedy)}${k.cardValidityGreedyMasked === undefined ? '' : ` / masked ${pct(k.cardValidityGreedyMasked)}`} / valid-first ${pct(k.cardValidFirstValidity)}, Frag ${k.cardValidFirstFrag?.toFixed(3) ?? '–'}, Scaf ${k.cardValidFirstScaf?.toFixed(3) ?? '–'}`);
          }
          process.stdout.write(`${head}\t${parts.filter(Boolean).join('; ')}\t${m.dir}\n`);
        }
        process.stderr.write(`molscape models: ${list.length} models; trained models are kept in ${registry.userDir}\n`);
      }
      setExit(EXIT_OK);
    });
}
