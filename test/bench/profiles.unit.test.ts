import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProfile } from '../../bench/load/profiles.js';

const shape = { peak: 12, base: 2, seconds: 12, quietSeconds: 4 };
const clients = (phases: ReturnType<typeof buildProfile>) => phases.map((p) => (p.kind === 'closed' ? p.connections : 0));
const total = (phases: ReturnType<typeof buildProfile>) => phases.reduce((s, p) => s + ('durationMs' in p ? p.durationMs : 0), 0);

test('constant holds the peak, then a quiet tail', () => {
  const phases = buildProfile('constant', shape);
  assert.deepEqual(clients(phases), [12, 0]);
  assert.equal(total(phases), 16000);
});

test('step goes from base to peak', () => {
  assert.deepEqual(clients(buildProfile('step', shape)), [2, 12, 0]);
});

test('ramp climbs in even steps to the peak', () => {
  const phases = buildProfile('ramp', shape);
  const c = clients(phases).slice(0, -1);
  assert.equal(c[c.length - 1], 12);
  assert.ok(
    c.every((n, i) => i === 0 || n >= c[i - 1]!),
    `not increasing: ${c}`,
  );
  assert.equal(total(phases), 16000);
});

test('spike goes base, peak, base, quiet', () => {
  assert.deepEqual(clients(buildProfile('spike', shape)), [2, 12, 2, 0]);
});

test('a base of 0 is a quiet phase, not a closed loop of no connections', () => {
  const phases = buildProfile('step', { ...shape, base: 0 });
  assert.equal(phases[0]!.kind, 'quiet');
});

test('impossible shapes are refused with the shape in the message', () => {
  assert.throws(() => buildProfile('spike', { ...shape, base: 20 }), /base <= peak.*"base":20/);
});
