import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BACKEND_REQUESTS,
  DEFAULT_MODEL_DIR,
  loadPredictor,
  parseBackendRequest,
  type BackendName,
  type BackendRequest,
  type ModelInputs,
  type Predictor,
} from '../models/index.js';
import { percentile } from './analysis/percentiles.js';

export interface LatencyReport {
  /** The backend asked for, and the one that served (they differ for 'auto'). */
  requested: BackendRequest;
  backend: BackendName;
  detail: string;
  model: string;
  /** loadPredictor() in a process that had not loaded TensorFlow.js yet: what a worker pays at spawn. */
  loadMs: number;
  calls: number;
  singleMedianMs: number;
  singleP99Ms: number;
  batchSize: number;
  batchTextsPerSecond: number;
}

export interface LatencyOptions {
  /** A model file or directory, of any format loadPredictor() reads */
  dir?: string;
  /** The word index of a text model file; without it a model file takes feature rows */
  wordIndex?: string;
  backend?: BackendRequest;
  calls?: number;
  batchSize?: number;
  batches?: number;
}

export const DEFAULT_BACKENDS: readonly BackendRequest[] = ['sparse', 'wasm', 'cpu'];

const SAMPLE_TEXTS = [
  'this is a news sample text about sports, and football in specific',
  'Shr 32 cts vs 28 cts net profit 4.1 mln vs 3.6 mln revs 80.2 mln quarterly dividend',
  'OPEC ministers agreed to cut crude oil output by 500,000 barrels per day, Saudi sources said',
  'The company agreed to acquire a 51 pct stake in the unit through a tender offer for all shares',
];

export { percentile };

/**
 * `count` inputs for the model: the sample texts for a text model, else feature rows of its input
 * shape drawn like a short text's bag of words (5 % ones, deterministic).
 */
function sampleInputs(predictor: Predictor, count: number): ModelInputs {
  const { input } = predictor.info;
  if (input.kind === 'text') return Array.from({ length: count }, (_, i) => SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]!);
  const size = input.shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count * size);
  let state = 1;
  for (let i = 0; i < data.length; i++) {
    state = (state * 48271) % 2147483647;
    data[i] = state % 20 === 0 ? 1 : 0;
  }
  return { count, data };
}

function oneOf(inputs: ModelInputs, i: number): ModelInputs {
  if (Array.isArray(inputs)) return [inputs[i % inputs.length]!];
  const rows = inputs as { count: number; data: Float64Array };
  const size = rows.data.length / rows.count;
  const at = (i % rows.count) * size;
  return { count: 1, data: rows.data.subarray(at, at + size) };
}

/** predict(); the promise of an engine that answers through one (onnxruntime), so that only those are awaited. */
function run(predictor: Predictor, inputs: ModelInputs): Promise<unknown> | undefined {
  const out = predictor.predict(inputs);
  return out instanceof Promise ? out : undefined;
}

/** Measures one backend in this process. TensorFlow.js' backend is process-wide: one backend per process. */
export async function measureLatency(options: LatencyOptions = {}): Promise<LatencyReport> {
  const { dir = DEFAULT_MODEL_DIR, wordIndex, backend = 'auto', calls = 2000, batchSize = 32, batches = 100 } = options;
  const loadStart = process.hrtime.bigint();
  const predictor = await loadPredictor(dir, { backend, ...(wordIndex ? { text: { wordIndex } } : {}) });
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  try {
    const singles = sampleInputs(predictor, 64);
    // Warm-up: JIT and the backend's first-call allocations are not what a serving worker sees.
    for (let i = 0; i < 500; i++) await run(predictor, oneOf(singles, i));
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const one = oneOf(singles, i);
      const start = process.hrtime.bigint();
      const pending = run(predictor, one);
      if (pending) await pending;
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const batch = sampleInputs(predictor, batchSize);
    for (let i = 0; i < 10; i++) await run(predictor, batch);
    const start = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) {
      const pending = run(predictor, batch);
      if (pending) await pending;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      requested: backend,
      backend: predictor.backend.name,
      detail: predictor.backend.detail,
      model: predictor.info.source,
      loadMs,
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

const SELF = fileURLToPath(import.meta.url);

/** Measures one backend in a fresh child process, so its load time is a cold start and no other backend is loaded. */
export function measureInChild(options: LatencyOptions & { timeoutMs?: number }): Promise<LatencyReport> {
  const { dir = DEFAULT_MODEL_DIR, wordIndex, backend = 'auto', calls = 2000, batchSize = 32, batches = 100, timeoutMs = 300_000 } = options;
  const args = [SELF, '--in-process', '--json', '--model', dir, ...(wordIndex ? ['--word-index', wordIndex] : []), '--backend', backend];
  args.push('--calls', String(calls), '--batch-size', String(batchSize), '--batches', String(batches));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(
            `measuring backend ${backend} failed (${error.killed ? `killed after ${timeoutMs} ms` : `exit code ${String(error.code)}`}): ${stderr.trim() || error.message}`,
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(stdout) as LatencyReport);
      } catch {
        reject(new Error(`measuring backend ${backend}: expected one JSON report on stdout, got ${JSON.stringify(stdout.slice(0, 200))}`));
      }
    });
  });
}

/** Measures each backend in turn (never at once: they would compete for the same cores). */
export async function compareBackends(
  backends: readonly BackendRequest[],
  options: Omit<LatencyOptions, 'backend'> & { timeoutMs?: number } = {},
): Promise<LatencyReport[]> {
  const reports: LatencyReport[] = [];
  for (const backend of backends) reports.push(await measureInChild({ ...options, backend }));
  return reports;
}

export function renderReports(reports: readonly LatencyReport[]): string {
  const rows = [['backend', 'load', 'batch 1 median', 'batch 1 p99', 'batch N texts/s', 'detail']];
  for (const r of reports) {
    rows.push([
      r.requested === r.backend ? r.backend : `${r.requested} -> ${r.backend}`,
      `${Math.round(r.loadMs)} ms`,
      `${r.singleMedianMs.toFixed(3)} ms`,
      `${r.singleP99Ms.toFixed(3)} ms`,
      `${Math.round(r.batchTextsPerSecond)} (N=${r.batchSize})`,
      r.detail,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
  const first = reports[0];
  const footer = first ? [`model ${first.model}; batch 1 over ${first.calls} calls after 500 warm-up calls; each backend in a fresh process`] : [];
  return [...lines, ...footer, ''].join('\n');
}

const USAGE =
  'Usage: node dist/bench/predict-latency.js [--model <file or dir>] [--word-index <file>] [--backend <name>[,<name>...]]\n' +
  '         [--calls <n>] [--batch-size <n>] [--batches <n>] [--json]\n' +
  '  --model: any model tidepool serves (tidepool directory, .h5, .keras, .onnx, model.json); with --word-index it takes texts, else feature rows\n' +
  `  backends: ${BACKEND_REQUESTS.join(', ')} (default ${DEFAULT_BACKENDS.join(',')}), each measured in its own process\n`;

function positiveInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`Expected ${flag} to be an integer >= 1, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Loads the model on each backend and prints load time, single-text latency (median, p99) and batch throughput. */
export async function main(argv: string[]): Promise<number> {
  let dir = DEFAULT_MODEL_DIR;
  let wordIndex: string | undefined;
  let backends: BackendRequest[] = [...DEFAULT_BACKENDS];
  let calls = 2000;
  let batchSize = 32;
  let batches = 100;
  let json = false;
  let inProcess = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`Option ${arg} expects a value, got nothing`);
      return next;
    };
    try {
      if (arg === '--model') dir = value();
      else if (arg === '--word-index') wordIndex = value();
      else if (arg === '--backend')
        backends = value()
          .split(',')
          .map((name) => parseBackendRequest(name, '--backend'));
      else if (arg === '--calls') calls = positiveInteger(arg, value());
      else if (arg === '--batch-size') batchSize = positiveInteger(arg, value());
      else if (arg === '--batches') batches = positiveInteger(arg, value());
      else if (arg === '--json') json = true;
      else if (arg === '--in-process') inProcess = true;
      else if (arg === '--help') {
        process.stdout.write(USAGE);
        return 0;
      } else throw new Error(`Unknown option ${arg}`);
    } catch (error) {
      process.stderr.write(`predict-latency: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  try {
    if (inProcess) {
      if (backends.length !== 1) throw new Error(`--in-process measures one backend, got ${backends.join(',')}`);
      const report = await measureLatency({ dir, wordIndex, backend: backends[0]!, calls, batchSize, batches });
      process.stdout.write(json ? JSON.stringify(report) + '\n' : renderReports([report]));
    } else {
      const reports = await compareBackends(backends, { dir, wordIndex, calls, batchSize, batches });
      process.stdout.write(json ? JSON.stringify(reports) + '\n' : renderReports(reports));
    }
    return 0;
  } catch (error) {
    // One line, not a stack: a missing model or an unusable backend is the user's to fix.
    process.stderr.write(`predict-latency: ${(error as Error).message}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
