// Why RDKit refused a structure, in one readable line. RDKit says so only in its log, so a failed
// structure is parsed a second time with the error log captured; failures are rare, so the hot path
// never pays for the capture.
import { rdkit } from '../../chem/rdkit.ts';

export function rdkitFailureReason(structure: string): string {
  const R = rdkit();
  const log = R.set_log_capture('rdApp.error');
  let text = '';
  try {
    const mol = (() => {
      try {
        return R.get_mol(structure);
      } catch {
        return null;
      }
    })();
    mol?.delete();
    text = log?.get_buffer() ?? '';
  } finally {
    log?.delete();
    // deleting the capture leaves the error log switched on, printing to stderr: switch it off again
    R.disable_logging();
  }
  const lines = [...new Set(text.split('\n').map((l) => l.replace(/^\[\d\d:\d\d:\d\d\]\s*/, '').trim()).filter(Boolean))];
  if (!lines.length) return 'RDKit could not parse the structure';
  // "syntax error while parsing" is most useful with the position line that follows it
  const first = lines[0];
  const position = lines.find((l) => /check for mistakes around position/.test(l));
  const reason = position && position !== first ? `${first} (${position.replace(/^SMILES Parse Error:\s*/, '').replace(/:$/, '')})` : first;
  return reason.length > 300 ? `${reason.slice(0, 297)}...` : reason;
}
