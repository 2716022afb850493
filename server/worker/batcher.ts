/**
 * Dynamic batching: requests that arrive while the model is busy are predicted together.
 * A batch closes when it holds `maxSize` texts or rows, or when the event loop has parsed every
 * request that was already waiting (maxDelayUs 0: no added wait at low load), or after `maxDelayUs`.
 */
import { isClassPrediction, type FeatureRows, type ModelInputs, type Prediction } from '../../models/index.js';

export type BatchPredict = (inputs: ModelInputs, top: number) => Prediction[] | Promise<Prediction[]>;

interface Waiting {
  inputs: ModelInputs;
  count: number;
  top: number;
  resolve: (p: Prediction[]) => void;
  reject: (e: unknown) => void;
}

export interface BatchCounts {
  /** batches predicted */
  batches: number;
  /** texts or rows predicted in them */
  texts: number;
}

/** The inputs of several requests as one: texts after texts, or rows after rows (a model takes one kind). */
export function concatInputs(list: readonly ModelInputs[]): ModelInputs {
  if (list.length === 1) return list[0]!;
  if (Array.isArray(list[0])) return (list as readonly (readonly string[])[]).flat();
  const rows = list as readonly FeatureRows[];
  const data = new Float64Array(rows.reduce((n, r) => n + r.data.length, 0));
  let at = 0;
  for (const r of rows) {
    data.set(r.data, at);
    at += r.data.length;
  }
  return { count: rows.reduce((n, r) => n + r.count, 0), data };
}

/** One request's answers from a batch that asked for the largest `top` of all: cut to its own. */
function cut(p: Prediction, top: number): Prediction {
  if (!isClassPrediction(p)) return p;
  if (top > 0) return p.top ? { ...p, top: p.top.slice(0, top) } : p;
  return { prediction: p.prediction, label: p.label, probability: p.probability };
}

export class Batcher {
  private waiting: Waiting[] = [];
  private size = 0;
  private scheduled = false;
  readonly counts: BatchCounts = { batches: 0, texts: 0 };

  constructor(
    private readonly predict: BatchPredict,
    private readonly maxSize: number,
    private readonly maxDelayUs: number,
  ) {}

  submit(inputs: ModelInputs, count: number, top: number): Promise<Prediction[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ inputs, count, top, resolve, reject });
      this.size += count;
      if (this.size >= this.maxSize) this.flush();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.flush();
    };
    if (this.maxDelayUs > 0) setTimeout(run, this.maxDelayUs / 1000);
    else setImmediate(run);
  }

  flush(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    this.size = 0;
    // One call for every input; each request gets its own slice, its top-K cut from the largest asked.
    const top = Math.max(...batch.map((w) => w.top));
    const count = batch.reduce((n, w) => n + w.count, 0);
    const settle = (results: Prediction[]): void => {
      this.counts.batches++;
      this.counts.texts += count;
      let at = 0;
      for (const w of batch) {
        const mine = results.slice(at, at + w.count);
        at += w.count;
        w.resolve(w.top === top ? mine : mine.map((p) => cut(p, w.top)));
      }
    };
    const fail = (e: unknown): void => {
      for (const w of batch) w.reject(e);
    };
    let results: Prediction[] | Promise<Prediction[]>;
    try {
      results = this.predict(concatInputs(batch.map((w) => w.inputs)), top);
    } catch (e) {
      fail(e);
      return;
    }
    if (results instanceof Promise) results.then(settle, fail);
    else settle(results);
  }
}
