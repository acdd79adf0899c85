// The property panel's columns, in display order, with labels and units for the UI. Lives in main/api so the
// renderer reads the same definitions main/chem computes (main/chem re-exports them).
export interface PropertyDef {
  key: string;
  label: string;
  /** '' when dimensionless */
  unit: string;
  kind: 'number' | 'integer' | 'boolean' | 'string';
  /** digits worth showing for numbers */
  digits?: number;
  description: string;
}

export const PROPERTY_DEFS: readonly PropertyDef[] = [
  { key: 'mol_wt', label: 'MW', unit: 'g/mol', kind: 'number', digits: 2, description: 'Average molecular weight' },
  { key: 'exact_mw', label: 'Exact mass', unit: 'Da', kind: 'number', digits: 4, description: 'Monoisotopic mass' },
  { key: 'clogp', label: 'cLogP', unit: '', kind: 'number', digits: 2, description: 'Crippen (Wildman-Crippen) logP' },
  { key: 'mr', label: 'MR', unit: 'm³/mol', kind: 'number', digits: 2, description: 'Crippen molar refractivity' },
  { key: 'tpsa', label: 'TPSA', unit: 'Å²', kind: 'number', digits: 1, description: 'Topological polar surface area (N, O)' },
  { key: 'hbd', label: 'HBD', unit: '', kind: 'integer', description: 'Hydrogen-bond donors' },
  { key: 'hba', label: 'HBA', unit: '', kind: 'integer', description: 'Hydrogen-bond acceptors' },
  { key: 'rotatable_bonds', label: 'Rot. bonds', unit: '', kind: 'integer', description: 'Rotatable bonds (strict)' },
  { key: 'heavy_atoms', label: 'Heavy atoms', unit: '', kind: 'integer', description: 'Non-hydrogen atoms' },
  { key: 'rings', label: 'Rings', unit: '', kind: 'integer', description: 'Rings (SSSR)' },
  { key: 'aromatic_rings', label: 'Arom. rings', unit: '', kind: 'integer', description: 'Aromatic rings' },
  { key: 'fraction_csp3', label: 'Fsp³', unit: '', kind: 'number', digits: 2, description: 'Fraction of sp3 carbons' },
  { key: 'largest_ring', label: 'Largest ring', unit: 'atoms', kind: 'integer', description: 'Size of the largest SSSR ring (0 if none)' },
  { key: 'qed', label: 'QED', unit: '', kind: 'number', digits: 3, description: 'Quantitative estimate of drug-likeness (Bickerton 2012), 0..1' },
  { key: 'qed_mw', label: 'QED MW', unit: 'g/mol', kind: 'number', digits: 2, description: 'QED input: molecular weight' },
  { key: 'qed_alogp', label: 'QED ALOGP', unit: '', kind: 'number', digits: 2, description: 'QED input: Crippen logP' },
  { key: 'qed_hba', label: 'QED HBA', unit: '', kind: 'integer', description: 'QED input: acceptors (QED SMARTS set)' },
  { key: 'qed_hbd', label: 'QED HBD', unit: '', kind: 'integer', description: 'QED input: donors' },
  { key: 'qed_psa', label: 'QED PSA', unit: 'Å²', kind: 'number', digits: 1, description: 'QED input: polar surface area' },
  { key: 'qed_rotb', label: 'QED ROTB', unit: '', kind: 'integer', description: 'QED input: rotatable bonds' },
  { key: 'qed_arom', label: 'QED AROM', unit: '', kind: 'integer', description: 'QED input: aromatic rings' },
  { key: 'qed_alerts', label: 'QED alerts', unit: '', kind: 'integer', description: 'QED input: structural alerts matched' },
  { key: 'sa', label: 'SA score', unit: '', kind: 'number', digits: 2, description: 'Synthetic accessibility (Ertl 2009), 1 easy .. 10 hard' },
  { key: 'penalized_logp', label: 'Penalized logP', unit: '', kind: 'number', digits: 2, description: 'cLogP - SA - max(largest ring - 6, 0)' },
  { key: 'lipinski_violations', label: 'Ro5 violations', unit: '', kind: 'integer', description: 'Lipinski rule-of-five violations (MW > 500, cLogP > 5, HBD > 5, HBA > 10)' },
  { key: 'veber_pass', label: 'Veber', unit: '', kind: 'boolean', description: 'Veber oral bioavailability rule: rotatable bonds <= 10 and TPSA <= 140' },
  { key: 'pains_count', label: 'PAINS', unit: '', kind: 'integer', description: 'Number of PAINS filters matched' },
  { key: 'pains', label: 'PAINS filters', unit: '', kind: 'string', description: 'Names of the PAINS filters matched, comma separated' },
];

export const PROPERTY_KEYS: readonly string[] = PROPERTY_DEFS.map((d) => d.key);
