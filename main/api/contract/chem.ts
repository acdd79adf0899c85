// Chemistry on demand: drawings and searches over a collection.
import { z } from 'zod';
import { call } from './call.ts';
import { Id, SearchHit, SubstructureMode } from './shapes.ts';

export const chemCalls = {
  'chem.depict': call(
    z.object({
      smiles: z.array(z.string().max(2000)).max(500),
      width: z.number().int().min(40).max(1200).default(200),
      height: z.number().int().min(40).max(1200).default(150),
    }),
    z.object({ svgs: z.array(z.string().nullable()) }),
    'RDKit SVG drawings, one per SMILES (null where RDKit cannot parse it).',
  ),
  'chem.search': call(
    z.object({
      collectionId: Id,
      /** top-k similarity (Morgan r2, 2048 bits, Tanimoto) to this SMILES */
      similar: z.string().min(1).max(2000).optional(),
      top: z.number().int().positive().max(5000).default(50),
      /** read as `mode` says (SMARTS unless 'smiles'); with `similar`, only matching molecules are ranked */
      substructure: z.string().min(1).max(2000).optional(),
      /** absent: 'smarts' */
      mode: SubstructureMode.optional(),
    }),
    z.object({ rows: z.array(SearchHit), total: z.number().int().nonnegative() }),
    'Similarity and/or substructure search over a collection: best first for similarity, file order otherwise (at most `top` rows).',
  ),
} as const;
