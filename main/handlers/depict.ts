// chem.depict: SVG drawings with RDKit in the host process. RDKit is loaded on the first call, not at
// start-up, so a core that never draws (CLI import) never pays for it.
import { loadRDKit, withMol } from '../chem/rdkit.ts';

export async function depict(smiles: readonly string[], width: number, height: number): Promise<(string | null)[]> {
  if (!smiles.length) return [];
  await loadRDKit();
  return smiles.map((s) => {
    if (!s.trim()) return null;
    try {
      return withMol(s, (mol) => mol.get_svg(width, height)) ?? null;
    } catch {
      return null;
    }
  });
}
