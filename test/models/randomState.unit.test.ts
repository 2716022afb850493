import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomState } from '../../models/data/randomState.js';

// Reference values printed by numpy (np.random.RandomState(seed)....).
test('permutation matches numpy bit for bit', () => {
  assert.deepEqual(new RandomState(0).permutation(10), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  assert.deepEqual(new RandomState(42).permutation(10), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
});

test('random_sample and the raw MT19937 stream match numpy / the reference generator', () => {
  assert.equal(new RandomState(0).randomSample(), 0.5488135039273248);
  assert.equal(new RandomState(42).randomSample(), 0.3745401188473625);
  // Matsumoto & Nishimura's reference: init_genrand(5489) first output.
  assert.equal(new RandomState(5489).nextUint32(), 3499211612);
});

test('shuffle is in place and keeps every element', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  const same = new RandomState(7).shuffle(items);
  assert.equal(same, items);
  assert.deepEqual([...items].sort(), ['a', 'b', 'c', 'd', 'e']);
});

test("seeds outside numpy's range are refused", () => {
  assert.throws(() => new RandomState(-1), /seed to be an integer from 0 to 2\*\*32 - 1.*got -1/);
  assert.throws(() => new RandomState(2 ** 32), /got 4294967296/);
  assert.throws(() => new RandomState(1.5), /got 1.5/);
});
