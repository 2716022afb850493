import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../models/train/main.js';
import { loadPredictor } from '../../models/predictor.js';
import { classify, labelsOf } from './classify.js';
import { parseMetadata } from '../../models/model/metadata.js';
import { generateCorpus } from '../../models/data/synthetic.js';
import { SAVEZ_BASE64 } from './numpyFixtures.js';
import { writeReutersFiles } from './npzWriter.js';
import { tempDir } from './tempDir.js';

const CLI = fileURLToPath(new URL('../../models/train/main.js', import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('main() trains a tiny model on Keras-format files (--data) and it loads back', async () => {
  const data = tempDir('train');
  const corpus = generateCorpus({ samples: 240, seed: 3 });
  writeReutersFiles(data, corpus.sequences, corpus.labels, corpus.wordIndex);
  const out = path.join(tempDir('train'), 'model');
  assert.equal(await main(['--data', data, '--epochs', '1', '--num-words', '300', '--hidden-units', '16', '--out', out, '--seed', '7']), 0);

  const metadata = parseMetadata(JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')), 'metadata.json');
  assert.equal(metadata.data.kind, 'files');
  assert.equal(metadata.data.kind === 'files' && metadata.data.npz, path.join(data, 'reuters.npz'));
  assert.deepEqual([metadata.data.train + metadata.data.validation, metadata.data.test], [192, 48]);
  assert.deepEqual([metadata.numWords, metadata.training.epochs, metadata.training.bestEpoch, metadata.split.seed], [300, 1, 1, 7]);
  assert.ok(metadata.metrics.testAccuracy! >= 0 && metadata.metrics.testAccuracy! <= 1);

  const predictor = await loadPredictor(out);
  try {
    assert.equal(predictor.info.input.kind === 'text' && predictor.info.input.numWords, 300);
    assert.match(predictor.info.producer, /Reuters files .*reuters\.npz: 172 train \/ 20 validation \/ 48 test/);
    const [answer] = await classify(predictor, ['net profit shr cts']);
    assert.equal(answer!.label, labelsOf(predictor)[answer!.prediction]);
  } finally {
    predictor.dispose();
  }
});

test('--data trains from the reuters.npz numpy itself wrote (np.savez: zip64 members, pickle protocol 4)', async () => {
  const data = tempDir('train');
  fs.writeFileSync(path.join(data, 'reuters.npz'), Buffer.from(SAVEZ_BASE64, 'base64'));
  fs.writeFileSync(path.join(data, 'reuters_word_index.json'), JSON.stringify({ the: 1, of: 2, profit: 3 }));
  const out = path.join(tempDir('train'), 'model');
  assert.equal(await main(['--data', data, '--epochs', '1', '--num-words', '50', '--hidden-units', '4', '--out', out, '--validation-split', '0']), 0);
  const metadata = parseMetadata(JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')), 'metadata.json');
  assert.deepEqual([metadata.data.train, metadata.data.validation, metadata.data.test], [3, 0, 1], 'int(4 * 0.8) documents to train on, one to test');
  assert.equal(metadata.wordIndex.words, 3);
});

test('the CLI prints plain progress lines when not on a TTY and a final test accuracy line', async () => {
  const out = path.join(tempDir('train'), 'model');
  const { code, stderr } = await runCli(['--samples', '200', '--epochs', '2', '--hidden-units', '16', '--out', out]);
  assert.equal(code, 0, stderr);
  assert.equal(stderr.includes('\r'), false);
  assert.match(stderr, /^synthetic Reuters-like corpus \(seed 113, 200 documents\): 144 train, 16 validation, 40 test documents$/m);
  assert.match(stderr, /^epoch 1\/2 5\/5 loss \d+\.\d{4} acc \d\.\d{4} val_loss \d+\.\d{4} val_acc \d\.\d{4} \d+\.\d s/m);
  assert.match(stderr, /^epoch 2\/2 5\/5 /m);
  assert.match(stderr, /^test accuracy \d\.\d{4} \(loss \d+\.\d{4}\) on 40 documents; chance is 0\.0217; trained in \d+\.\d s$/m);
  assert.ok(fs.existsSync(path.join(out, 'model.json')) && fs.existsSync(path.join(out, 'weights.bin')));
});

test('bad options exit 2 naming the option; unreadable data exits 1 naming the file', async () => {
  const bad = await runCli(['--epochs', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tidepool train: Expected --epochs to be an integer >= 1, got "0"/);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: tidepool train \[options\]/);
  const missing = tempDir('train');
  const noData = await runCli(['--data', missing, '--out', path.join(missing, 'model')]);
  assert.equal(noData.code, 1);
  assert.match(noData.stderr, /tidepool train: .*reuters\.npz: cannot read the dataset \(reuters\.npz\) \(no such file\)/);
});
