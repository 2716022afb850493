import type { TextForward } from '../runtime/textForward.js';

/** Largest difference in any output probability the sparse path may show against TensorFlow.js. */
export const SPARSE_TOLERANCE = 1e-5;

export interface Disagreement {
  row: number;
  column: number;
  reference: number;
  candidate: number;
}

export interface Agreement {
  /** Infinity when an output is NaN on one side, or the outputs differ in size. */
  maxDelta: number;
  /** Where maxDelta was found; null when the outputs differ in size or both are empty. */
  worst: Disagreement | null;
}

/** The largest |reference - candidate| over two rows x columns probability arrays. */
export function compareProbabilities(reference: Float32Array, candidate: Float32Array, columns: number): Agreement {
  if (reference.length !== candidate.length) return { maxDelta: Infinity, worst: null };
  let maxDelta = 0;
  let worst: Disagreement | null = null;
  for (let i = 0; i < reference.length; i++) {
    const delta = Math.abs(reference[i]! - candidate[i]!);
    // NaN compares false with everything: count it as the largest difference, never as agreement.
    const size = Number.isNaN(delta) ? Infinity : delta;
    if (worst === null || size > maxDelta) {
      maxDelta = size;
      worst = { row: Math.floor(i / columns), column: i % columns, reference: reference[i]!, candidate: candidate[i]! };
    }
  }
  return { maxDelta, worst };
}

export type SparseVerdict = { verdict: 'verified'; maxDelta: number; probes: number } | { verdict: 'disagrees'; maxDelta: number; reason: string };

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

/**
 * Runs the probe texts through both forward passes (all at once, then the ordinary news one
 * alone, since a batch and a single text may take different kernels) and compares every output
 * probability. Any difference above SPARSE_TOLERANCE refuses the candidate: TensorFlow.js is
 * the reference.
 */
export function verifyAgainst(reference: TextForward, candidate: TextForward, probes: readonly string[], classes: number): SparseVerdict {
  const single = probes.filter((text) => text.trim() !== '').slice(0, 1);
  let maxDelta = 0;
  for (const texts of [probes, single]) {
    const { maxDelta: delta, worst } = compareProbabilities(reference.probabilities(texts), candidate.probabilities(texts), classes);
    if (!(delta <= SPARSE_TOLERANCE)) {
      const reason =
        worst === null
          ? `the outputs for ${texts.length} probe texts differ in size`
          : `for probe text ${quote(texts[worst.row]!)}${texts === single ? ' (alone)' : ''}, class ${worst.column} has probability ${worst.reference} in TensorFlow.js but ${worst.candidate} in the sparse path (|Δ| ${delta.toExponential(1)} > ${SPARSE_TOLERANCE.toExponential()})`;
      return { verdict: 'disagrees', maxDelta: delta, reason };
    }
    maxDelta = Math.max(maxDelta, delta);
  }
  return { verdict: 'verified', maxDelta, probes: probes.length };
}
