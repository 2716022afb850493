/**
 * A model of your own behind tidepool's /predict: export an object with `predict(inputs)`, and
 * tidepool serves it with its own API (GET /predict?text=, POST {"texts": [...]}, top-K, dynamic
 * batching, the errors), as it serves the shipped model.
 *
 *   npx tidepool serve --file dist/examples/predict-object/app.js
 *
 * `predict` takes the texts of one batch and returns one prediction per text, synchronously.
 * This one is a keyword count, to show the shape; a real one would be a model.
 */
const KEYWORDS: Record<string, readonly string[]> = {
  sports: ['football', 'match', 'goal', 'team', 'sports'],
  finance: ['shares', 'profit', 'bank', 'market', 'earnings'],
  other: [],
};
const labels = Object.keys(KEYWORDS);

interface Prediction {
  prediction: number;
  label: string;
  probability: number;
  top?: { index: number; label: string; probability: number }[];
}

function classify(text: string, top: number | undefined): Prediction {
  const words = text.toLowerCase().split(/\W+/);
  const counts = labels.map((label) => words.filter((w) => KEYWORDS[label]!.includes(w)).length + (label === 'other' ? 0.5 : 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const scores = counts.map((c, index) => ({ index, label: labels[index]!, probability: c / total })).sort((a, b) => b.probability - a.probability);
  const best = scores[0]!;
  return { prediction: best.index, label: best.label, probability: best.probability, ...(top ? { top: scores.slice(0, top) } : {}) };
}

export const app = {
  labels,
  predict: (texts: string[], options?: { top?: number }): Prediction[] => texts.map((t) => classify(t, options?.top)),
};
