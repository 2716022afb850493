import path from 'node:path';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '../runtime/backend.js';
import { DEFAULT_MODEL_DIR } from '../model/layout.js';
import type { ParseArgsConfig } from 'node:util';
import { parseStrictArgs, UsageError } from '../../core/cli/usage.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  numWords: number;
  seed: number;
  /** Directory with reuters.npz and reuters_word_index.json; null trains on the synthetic corpus. */
  data: string | null;
  samples: number;
  out: string;
  backend: TfjsBackendRequest;
  validationSplit: number;
  testSplit: number;
  hiddenUnits: number;
  dropout: number;
}

type Kind =
  | { type: 'integer'; min: number; max?: number }
  | { type: 'fraction'; min: number; max: number }
  | { type: 'path' }
  | { type: 'choice'; values: readonly string[] };

interface OptionSpec {
  flag: string;
  key: keyof TrainOptions;
  kind: Kind;
  help: string;
}

/** One table drives parsing, validation, defaults and --help. Defaults are the Keras example's. */
const OPTIONS: readonly OptionSpec[] = [
  { flag: '--epochs', key: 'epochs', kind: { type: 'integer', min: 1 }, help: 'passes over the training data' },
  { flag: '--batch-size', key: 'batchSize', kind: { type: 'integer', min: 1 }, help: 'documents per gradient step' },
  {
    flag: '--num-words',
    key: 'numWords',
    kind: { type: 'integer', min: 4 },
    help: 'vocabulary cut: word indices < num-words are model inputs (load_data offsets ranks by 3)',
  },
  {
    flag: '--seed',
    key: 'seed',
    kind: { type: 'integer', min: 0, max: 0xffffffff },
    help: 'seeds the synthetic corpus, the load_data shuffle and weight initialisation',
  },
  {
    flag: '--data',
    key: 'data',
    kind: { type: 'path' },
    help: "directory with Keras' reuters.npz and reuters_word_index.json (default: generate the synthetic corpus)",
  },
  { flag: '--samples', key: 'samples', kind: { type: 'integer', min: 10 }, help: 'documents in the synthetic corpus (Reuters-46 has 11228)' },
  { flag: '--out', key: 'out', kind: { type: 'path' }, help: 'model directory to write (model.json, weights.bin, metadata.json, word_index.json)' },
  { flag: '--backend', key: 'backend', kind: { type: 'choice', values: TFJS_BACKEND_REQUESTS }, help: 'TensorFlow.js backend' },
  {
    flag: '--validation-split',
    key: 'validationSplit',
    kind: { type: 'fraction', min: 0, max: 0.9 },
    help: 'share of the training split held out to pick the best epoch',
  },
  { flag: '--test-split', key: 'testSplit', kind: { type: 'fraction', min: 0.05, max: 0.9 }, help: 'share of the corpus kept for the final test accuracy' },
  { flag: '--hidden-units', key: 'hiddenUnits', kind: { type: 'integer', min: 1 }, help: 'width of the hidden Dense layer' },
  { flag: '--dropout', key: 'dropout', kind: { type: 'fraction', min: 0, max: 0.95 }, help: 'dropout rate after the hidden layer' },
];

export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = {
  epochs: 5,
  batchSize: 32,
  numWords: 1000,
  seed: 113,
  data: null,
  samples: 11228,
  out: DEFAULT_MODEL_DIR,
  backend: 'auto',
  validationSplit: 0.1,
  testSplit: 0.2,
  hiddenUnits: 512,
  dropout: 0.5,
};

function expected(kind: Kind): string {
  switch (kind.type) {
    case 'integer':
      return kind.max === undefined ? `an integer >= ${kind.min}` : `an integer from ${kind.min} to ${kind.max}`;
    case 'fraction':
      return `a number from ${kind.min} to ${kind.max}`;
    case 'path':
      return 'a path';
    case 'choice':
      return `one of ${kind.values.join(', ')}`;
  }
}

function convert(spec: OptionSpec, text: string): TrainOptions[keyof TrainOptions] {
  const fail = (): never => {
    throw new UsageError(`Expected ${spec.flag} to be ${expected(spec.kind)}, got ${JSON.stringify(text)}`);
  };
  switch (spec.kind.type) {
    case 'integer': {
      if (!/^\d+$/.test(text)) fail();
      const value = Number(text);
      if (value < spec.kind.min || (spec.kind.max !== undefined && value > spec.kind.max)) fail();
      return value;
    }
    case 'fraction': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value < spec.kind.min || value > spec.kind.max) fail();
      return value;
    }
    case 'path':
      if (text === '') fail();
      return path.resolve(text);
    case 'choice':
      if (!spec.kind.values.includes(text)) fail();
      return text as TfjsBackendRequest;
  }
}

export type ParsedArgs = { help: true } | { help: false; options: TrainOptions };

/** node's parseArgs, configured from the table: every option takes a value, --help none. */
const PARSE_CONFIG = {
  strict: true,
  allowPositionals: false,
  tokens: true,
  options: { ...Object.fromEntries(OPTIONS.map((spec) => [spec.flag.slice(2), { type: 'string' }] as const)), help: { type: 'boolean', short: 'h' } },
} as const satisfies ParseArgsConfig;

/** Parses `--flag value` and `--flag=value` forms; unknown flags, stray words and repeats are errors. */
export function parseTrainArgs(argv: readonly string[]): ParsedArgs {
  const { values, tokens } = parseStrictArgs('train', { ...PARSE_CONFIG, args: [...argv] });
  if (values.help) return { help: true };
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS };
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = OPTIONS.find((candidate) => candidate.flag === token.rawName)!;
    if (seen.has(spec.flag)) throw new UsageError(`Option ${spec.flag} was given twice; give it once`);
    seen.add(spec.flag);
    (options as unknown as Record<string, unknown>)[spec.key] = convert(spec, token.value!);
  }
  if (options.data !== null && seen.has('--samples'))
    throw new UsageError('Options --samples and --data do not go together: --samples sizes the synthetic corpus, --data trains on real files instead');
  return { help: false, options };
}

export function trainHelp(): string {
  const lines = OPTIONS.map((spec) => {
    const value = DEFAULT_TRAIN_OPTIONS[spec.key];
    const shown = value === null ? '' : ` (default: ${spec.key === 'out' ? path.relative(process.cwd(), String(value)) || '.' : String(value)})`;
    return `  ${`${spec.flag} <${spec.kind.type === 'choice' ? spec.kind.values.join('|') : spec.kind.type === 'path' ? 'dir' : 'n'}>`.padEnd(34)} ${spec.help}${shown}`;
  });
  return [
    'Usage: tidepool train [options]',
    '',
    'Trains the Keras "Reuters MLP" (binary bag of words -> Dense 512 relu -> Dropout -> Dense softmax)',
    'with TensorFlow.js, keeps the epoch with the best validation accuracy, reports test accuracy,',
    'and writes a model directory the server loads.',
    '',
    'Options:',
    ...lines,
    `  ${'--help'.padEnd(34)} show this help`,
    '',
  ].join('\n');
}
