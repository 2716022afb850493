import { BackendError, type BackendChoice, type BackendRequest } from '../runtime/backend.js';
import { SPARSE_TOLERANCE, type SparseVerdict } from './verify.js';

/** What trying the sparse path on a loaded model gave. */
export type SparseOutcome = { verdict: 'ineligible'; reason: string } | SparseVerdict;

function delta(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

function why(outcome: Exclude<SparseOutcome, { verdict: 'verified' }>, reference: BackendChoice): string {
  return outcome.verdict === 'ineligible' ? `the model is not eligible: ${outcome.reason}` : `it disagrees with ${reference.detail}: ${outcome.reason}`;
}

/**
 * Which backend serves, once the reference TensorFlow.js backend is loaded and (for 'auto' and
 * 'sparse') the sparse path has been tried. 'auto' prefers the sparse path whenever it is
 * verified: bench/predict-latency measures it several times faster than wasm at every batch
 * size, and the verification has just shown it gives TensorFlow.js' answers. An explicit
 * 'sparse' that cannot be used is an error, as for any requested backend.
 */
export function chooseServingBackend(requested: BackendRequest, reference: BackendChoice, outcome: SparseOutcome | null, modelDir: string): BackendChoice {
  if (outcome === null) return reference;
  if (outcome.verdict === 'verified') {
    const verified = `verified at load against ${reference.detail} on ${outcome.probes} probe texts (max |Δ| ${delta(outcome.maxDelta)} <= ${SPARSE_TOLERANCE.toExponential()})`;
    return {
      requested,
      name: 'sparse',
      detail: `sparse (plain JS, verified against ${reference.detail}: max |Δ| ${delta(outcome.maxDelta)})`,
      notes: [
        ...reference.notes,
        `sparse: ${requested === 'auto' ? 'chosen by auto: ' : ''}a plain-JS forward pass over the model's Dense layers, ${verified}; TensorFlow.js (${reference.name}) was loaded for that check and stays the reference: use --backend ${reference.name} to serve with it`,
      ],
    };
  }
  if (requested === 'sparse') {
    throw new BackendError(
      `Backend "sparse" was requested but cannot serve the model in ${modelDir}: ${why(outcome, reference)}. Use --backend auto to serve it with TensorFlow.js`,
    );
  }
  const note =
    outcome.verdict === 'ineligible'
      ? `sparse: not used, ${why(outcome, reference)}`
      : `sparse: refused, ${why(outcome, reference)}; serving with ${reference.name}`;
  return { ...reference, requested, notes: [...reference.notes, note] };
}
