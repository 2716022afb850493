import { pathToFileURL } from 'node:url';
import { DEFAULT_MODEL_DIR, loadPredictor, type BackendRequest } from '../models/predictor.js';
import { parseBackendRequest } from '../models/runtime/backend.js';

export interface LatencyReport {
  backend: string;
  model: string;
  calls: number;
  singleMedianMs: number;
  singleP99Ms: number;
  batchSize: number;
  batchTextsPerSecond: number;
}

const SAMPLE_TEXTS = [
  'this is a news sample text about sports, and football in specific',
  'Shr 32 cts vs 28 cts net profit 4.1 mln vs 3.6 mln revs 80.2 mln quarterly dividend',
  'OPEC ministers agreed to cut crude oil output by 500,000 barrels per day, Saudi sources said',
  'The company agreed to acquire a 51 pct stake in the unit through a tender offer for all shares',
];

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function measureLatency(options: { dir?: string; backend?: BackendRequest; calls?: number; batchSize?: number; batches?: number } = {}): Promise<LatencyReport> {
  const { dir = DEFAULT_MODEL_DIR, calls = 2000, batchSize = 32, batches = 100 } = options;
  const predictor = await loadPredictor(dir, { backend: options.backend ?? 'auto' });
  try {
    // Warm-up: JIT and the backend's first-call allocations are not what a serving worker sees.
    for (let i = 0; i < 500; i++) predictor.predict([SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]!]);
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const text = SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]!;
      const start = process.hrtime.bigint();
      predictor.predict([text]);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const batch = Array.from({ length: batchSize }, (_, i) => SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]!);
    for (let i = 0; i < 10; i++) predictor.predict(batch);
    const start = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) predictor.predict(batch);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      backend: predictor.backend.detail,
      model: predictor.info.dir,
      calls,
      singleMedianMs: percentile(samples, 50),
      singleP99Ms: percentile(samples, 99),
      batchSize,
      batchTextsPerSecond: (batches * batchSize) / seconds,
    };
  } finally {
    predictor.dispose();
  }
}

const USAGE = 'Usage: node dist/bench/predict-latency.js [--model <dir>] [--backend auto|tfjs-node|wasm|cpu] [--calls <n>] [--json]\n';

/** Loads the model and prints single-text latency (median, p99) and batch-32 throughput. */
export async function main(argv: string[]): Promise<number> {
  let dir = DEFAULT_MODEL_DIR;
  let backend: BackendRequest = 'auto';
  let calls = 2000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`Option ${arg} expects a value, got nothing`);
      return next;
    };
    try {
      if (arg === '--model') dir = value();
      else if (arg === '--backend') backend = parseBackendRequest(value(), '--backend');
      else if (arg === '--calls') {
        const text = value();
        calls = Number(text);
        if (!/^\d+$/.test(text) || calls < 1) throw new Error(`Expected --calls to be an integer >= 1, got ${JSON.stringify(text)}`);
      } else if (arg === '--json') json = true;
      else if (arg === '--help') {
        process.stdout.write(USAGE);
        return 0;
      }
      else throw new Error(`Unknown option ${arg}`);
    } catch (error) {
      process.stderr.write(`predict-latency: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  const report = await measureLatency({ dir, backend, calls });
  if (json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    process.stdout.write(
      [
        `backend          ${report.backend}`,
        `model            ${report.model}`,
        `single text      median ${report.singleMedianMs.toFixed(3)} ms, p99 ${report.singleP99Ms.toFixed(3)} ms over ${report.calls} calls`,
        `batch of ${report.batchSize}      ${Math.round(report.batchTextsPerSecond)} texts/s`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
