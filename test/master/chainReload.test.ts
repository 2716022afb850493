import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startChain, stepChain, type ChainReload, type ChainSlot, type ChainStep } from '../../server/master/lifecycle/chainReload.js';

const ready = (pid: number): ChainSlot => ({ phase: 'ready', pid });
const gone = (phase: ChainSlot['phase']): ChainSlot => ({ phase, pid: null });
const live = (phase: 'loading' | 'stopping', pid: number): ChainSlot => ({ phase, pid });

/** Runs the chain over successive pictures of the pool; returns what it did at each. */
function run(pictures: ChainSlot[][]): string[] {
  let chain: ChainReload = startChain(pictures[0]!);
  const did: string[] = [];
  for (const slots of pictures) {
    const step: ChainStep = stepChain(chain, slots);
    did.push(step.action === 'stop' ? `stop ${step.slot}` : step.action);
    if (step.action === 'done') break;
    chain = step.chain;
  }
  return did;
}

test('a chain starts with the ready slots, in order', () => {
  assert.deepEqual(startChain([ready(11), gone('cheap'), live('loading', 13), ready(14)]), { todo: [1, 4], current: null });
});

test('one worker at a time: the next is stopped once a new worker is ready in the previous slot', () => {
  assert.deepEqual(
    run([
      [ready(11), ready(12)],
      [live('stopping', 11), ready(12)],
      [live('loading', 21), ready(12)],
      [ready(21), ready(12)],
      [ready(21), live('stopping', 12)],
      [ready(21), ready(22)],
    ]),
    ['stop 1', 'wait', 'wait', 'stop 2', 'wait', 'done'],
  );
});

test('a replacement that crashes before it is ready: the chain waits for the respawn, then goes on', () => {
  assert.deepEqual(
    run([
      [ready(11), ready(12)],
      [live('loading', 21), ready(12)],
      [gone('down'), ready(12)],
      [gone('respawn-wait'), ready(12)],
      [gone('pending'), ready(12)],
      [live('loading', 31), ready(12)],
      [ready(31), ready(12)],
      [ready(31), ready(32)],
    ]),
    ['stop 1', 'wait', 'wait', 'wait', 'wait', 'wait', 'stop 2', 'done'],
  );
});

test('the old worker still ready (its stop not taken yet) is no replacement', () => {
  const chain: ChainReload = { todo: [], current: { slot: 1, pid: 11 } };
  assert.equal(stepChain(chain, [ready(11)]).action, 'wait');
});

test('a slot left cheap meanwhile ends its turn; a slot not ready at its turn is skipped', () => {
  assert.deepEqual(
    run([
      [ready(11), ready(12), ready(13)],
      [gone('cheap'), gone('cheap'), ready(13)],
      [gone('cheap'), gone('cheap'), live('stopping', 13)],
      [gone('cheap'), gone('cheap'), ready(23)],
    ]),
    ['stop 1', 'stop 3', 'wait', 'done'],
  );
  assert.deepEqual(stepChain(startChain([]), []), { action: 'done' }, 'a chain of no workers is done at once');
});
