// A quick count of the atoms a SMILES or molblock declares, read from the text before RDKit sees it. The
// WebAssembly RDKit recurses along chains: a path of ~650+ atoms overflows its stack and traps, and a trap
// can leave the module unusable or end the process. Refusing oversized input up front is the only safe
// place to stop it.
export const MAX_ATOMS = 500;

const SMILES_ATOM = /\[[^\]]*\]|Cl|Br|[BCNOPSFI]|[bcnops]|\*/g;

export function declaredAtomCount(input: string): number {
  const lines = input.split('\n');
  if (lines.length >= 4) {
    // molblock: V2000 counts line, or V3000 "M  V30 COUNTS na nb ..."
    const v3000 = /M {2}V30 COUNTS (\d+)/.exec(input);
    if (v3000) return Number(v3000[1]);
    const counts = lines[3];
    if (/V2000/.test(counts)) return Number(counts.slice(0, 3)) || 0;
  }
  return input.match(SMILES_ATOM)?.length ?? 0;
}

/** Why this input is refused before parsing, or null when it may be parsed. */
export function inputProblem(input: string): string | null {
  if (input.trim() === '') return 'empty structure';
  const atoms = declaredAtomCount(input);
  if (atoms > MAX_ATOMS) return `molecule too large: ${atoms} atoms (limit ${MAX_ATOMS})`;
  return null;
}
