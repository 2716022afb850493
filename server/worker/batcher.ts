/**
 * Dynamic batching: requests that arrive while the model is busy are predicted together.
 * A batch closes when it holds `maxSize` texts, or when the event loop has parsed every request
 * that was already waiting (maxDelayUs 0: no added wait at low load), or after `maxDelayUs`.
 */
import type { Prediction } from '../../models/index.js';

export type BatchPredict = (texts: string[], top: number) => Prediction[];

interface Waiting {
  texts: string[];
  top: number;
  resolve: (p: Prediction[]) => void;
  reject: (e: unknown) => void;
}

export interface BatchCounts {
  /** batches predicted */
  batches: number;
  /** texts predicted in them */
  texts: number;
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

  submit(texts: string[], top: number): Promise<Prediction[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ texts, top, resolve, reject });
      this.size += texts.length;
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
    // One call for every text; each request gets its own slice, its top-K cut from the largest asked.
    const top = Math.max(...batch.map((w) => w.top));
    const all = batch.flatMap((w) => w.texts);
    let results: Prediction[];
    try {
      results = this.predict(all, top);
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    this.counts.batches++;
    this.counts.texts += all.length;
    let at = 0;
    for (const w of batch) {
      const mine = results.slice(at, at + w.texts.length);
      at += w.texts.length;
      w.resolve(w.top === top ? mine : mine.map((p) => (w.top > 0 && p.top ? { ...p, top: p.top.slice(0, w.top) } : { prediction: p.prediction, label: p.label, probability: p.probability })));
    }
  }
}
