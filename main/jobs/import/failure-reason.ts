// Why RDKit refused a structure, in one readable line. RDKit says so only in its log, so a failed
// structure is parsed a second time with the error log captured; failures are rare, so the hot path
// never pays for the capture.
import { inputProblem, noteRDKitFault, rdkit } from '../../chem/rdkit.ts';

export function rdkitFailureReason(structure: string): string {
  // what main/chem refuses before RDKit sees it (empty, too large for the WebAssembly stack) says so itself
  const refused = inputProblem(structure);
  if (refused) return refused;
  let text = '';
  try {
    text = capturedErrors(structure);
  } catch (err) {
    // a WebAssembly trap while asking: main/chem restarts the toolkit; the structure is still refused
    noteRDKitFault(err);
    return 'RDKit failed on this structure';
  }
  const lines = [...new Set(text.split('\n').map((l) => l.replace(/^\[\d\d:\d\d:\d\d\]\s*/, '').trim()).filter(Boolean))];
  if (!lines.length) return 'RDKit could not parse the structure';
  // "syntax error while parsing" is most useful with the position line that follows it
  const first = lines[0];
  const position = lines.find((l) => /check for mistakes around position/.test(l));
  const reason = position && position !== first ? `${first} (${position.replace(/^SMILES Parse Error:\s*/, '').replace(/:$/, '')})` : first;
  return reason.length > 300 ? `${reason.slice(0, 297)}...` : reason;
}

/** RDKit's error log while it parses `structure` once more. */
function capturedErrors(structure: string): string {
  const R = rdkit();
  const log = R.set_log_capture('rdApp.error');
  try {
    let mol = null;
    try {
      mol = R.get_mol(structure);
    } catch (err) {
      if (noteRDKitFault(err)) throw err;
    }
    mol?.delete();
    return log?.get_buffer() ?? '';
  } finally {
    log?.delete();
    // deleting the capture leaves the error log switched on, printing to stderr: switch it off again
    R.disable_logging();
  }
}
