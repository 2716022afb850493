import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_TRAIN_OPTIONS, parseTrainArgs, trainHelp } from '../../models/train/options.js';
import { formatBatchLine, formatEpochLine } from '../../models/train/progress.js';
import { DEFAULT_MODEL_DIR } from '../../models/predictor.js';

test("defaults are the Keras example's, written to the shipped model directory", () => {
  assert.deepEqual(parseTrainArgs([]), { help: false, options: DEFAULT_TRAIN_OPTIONS });
  assert.deepEqual(
    [
      DEFAULT_TRAIN_OPTIONS.epochs,
      DEFAULT_TRAIN_OPTIONS.batchSize,
      DEFAULT_TRAIN_OPTIONS.numWords,
      DEFAULT_TRAIN_OPTIONS.validationSplit,
      DEFAULT_TRAIN_OPTIONS.hiddenUnits,
      DEFAULT_TRAIN_OPTIONS.dropout,
    ],
    [5, 32, 1000, 0.1, 512, 0.5],
  );
  assert.equal(DEFAULT_TRAIN_OPTIONS.out, DEFAULT_MODEL_DIR);
});

test('both --flag value and --flag=value forms; paths resolved', () => {
  const parsed = parseTrainArgs(['--epochs=3', '--batch-size', '64', '--backend', 'cpu', '--out', 'rel/dir', '--dropout', '0.25']);
  assert.equal(parsed.help, false);
  if (parsed.help) return;
  assert.deepEqual([parsed.options.epochs, parsed.options.batchSize, parsed.options.backend, parsed.options.dropout], [3, 64, 'cpu', 0.25]);
  assert.equal(parsed.options.out, path.resolve('rel/dir'));
  assert.deepEqual(parseTrainArgs(['--epochs', '2', '--help']), { help: true });
});

test('bad options name the option, what was expected and what came', () => {
  assert.throws(() => parseTrainArgs(['--epochs', '0']), /Expected --epochs to be an integer >= 1, got "0"/);
  assert.throws(() => parseTrainArgs(['--epochs', '2.5']), /got "2\.5"/);
  assert.throws(() => parseTrainArgs(['--seed', String(2 ** 32)]), /Expected --seed to be an integer from 0 to 4294967295, got "4294967296"/);
  assert.throws(() => parseTrainArgs(['--validation-split', 'half']), /Expected --validation-split to be a number from 0 to 0\.9, got "half"/);
  assert.throws(() => parseTrainArgs(['--backend', 'gpu']), /Expected --backend to be one of auto, tfjs-node, wasm, cpu, got "gpu"/);
  assert.throws(() => parseTrainArgs(['--epochs']), /Option '--epochs <value>' argument missing \(see tidepool train --help\)/);
  assert.throws(() => parseTrainArgs(['--epochs', '--batch-size', '3']), /Option '--epochs' argument is ambiguous/);
  assert.throws(() => parseTrainArgs(['--epoch', '3']), /Unknown option '--epoch'.*\(see tidepool train --help\)/s);
  assert.throws(() => parseTrainArgs(['model']), /Unexpected argument 'model'/);
  assert.throws(() => parseTrainArgs(['--help=yes']), /Option '-h, --help' does not take an argument/);
  assert.throws(() => parseTrainArgs(['--epochs', '1', '--epochs', '2']), /Option --epochs was given twice/);
  assert.throws(() => parseTrainArgs(['--data', '/x', '--samples', '100']), /--samples and --data do not go together/);
});

test('help lists every option with its default', () => {
  const help = trainHelp();
  for (const flag of ['--epochs', '--batch-size', '--num-words', '--seed', '--data', '--out', '--backend', '--samples', '--help'])
    assert.match(help, new RegExp(`^  ${flag}`, 'm'));
  assert.match(help, /--epochs <n> +passes over the training data \(default: 5\)/);
});

test('progress lines', () => {
  assert.equal(
    formatBatchLine({ epoch: 2, epochs: 5, batch: 126, batches: 253, loss: 0.81234, acc: 0.74126 }),
    'epoch 2/5 [===========>            ] 126/253 loss 0.8123 acc 0.7413',
  );
  assert.equal(
    formatBatchLine({ epoch: 1, epochs: 1, batch: 9, batches: 9, loss: 1, acc: 0.5 }),
    'epoch 1/1 [========================] 9/9 loss 1.0000 acc 0.5000',
  );
  assert.equal(
    formatEpochLine({ epoch: 1, epochs: 5, batches: 253, loss: 1.3328, acc: 0.665, valLoss: 0.8124, valAcc: 0.7831, seconds: 11.94, best: true }),
    'epoch 1/5 253/253 loss 1.3328 acc 0.6650 val_loss 0.8124 val_acc 0.7831 11.9 s (best so far)',
  );
  assert.equal(
    formatEpochLine({ epoch: 1, epochs: 1, batches: 3, loss: 1, acc: 1, valLoss: null, valAcc: null, seconds: 0.04, best: false }),
    'epoch 1/1 3/3 loss 1.0000 acc 1.0000 0.0 s',
  );
});
