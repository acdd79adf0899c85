// Candidate lists: molecules kept with provenance, a rating and a note.
import { z } from 'zod';
import { call } from './call.ts';
import { Collection, Id, MoleculeRow } from './shapes.ts';
import { Provenance, SeedSmiles } from './latent.ts';

export const candidateCalls = {
  'candidates.keep': call(
    z.object({
      /** the candidate list (a collection of kind 'candidates'); or listName to find or create one by name */
      listId: Id.optional(),
      listName: z.string().min(1).max(200).optional(),
      smiles: SeedSmiles,
      name: z.string().max(200).optional(),
      provenance: Provenance,
      rating: z.number().int().min(0).max(5).default(0),
      note: z.string().max(5000).default(''),
    }),
    z.object({ list: Collection, molecule: MoleculeRow }),
    'Keep a molecule in a candidate list with its provenance, a star rating and a note (properties computed at once).',
  ),
  'candidates.update': call(
    z.object({ moleculeId: Id, rating: z.number().int().min(0).max(5).optional(), note: z.string().max(5000).optional() }),
    MoleculeRow,
    "Change a candidate's rating or note.",
  ),
  'candidates.remove': call(z.object({ moleculeId: Id }), z.object({ removed: z.boolean() }), 'Take a molecule out of its candidate list.'),
  'candidates.removeMany': call(
    z.object({ moleculeIds: z.array(Id).min(1).max(100_000) }),
    /** undo: pass to candidates.restore to put them back where they were (null when nothing was removed) */
    z.object({ removed: z.number().int().nonnegative(), undo: Id.nullable() }),
    'Take molecules out of their candidate list, restorably (candidates.restore) for a day.',
  ),
  'candidates.restore': call(
    z.object({ undo: Id }),
    z.object({ restored: z.number().int().nonnegative(), listId: Id.nullable() }),
    'Put back the molecules a candidates.removeMany took out, at their places, with their ratings, notes and provenance.',
  ),
} as const;
