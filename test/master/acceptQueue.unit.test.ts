import assert from 'node:assert/strict';
import { test } from 'node:test';
import { procNetAddress, scanListenRows } from '../../server/master/accept/acceptQueue.js';
import { shedOrders, spillOrders } from '../../server/master/dispatch/choose.js';
import { acceptMode, ACCEPT_WORKERS_FROM_CORES } from '../../server/config/options.js';
import { pool, states } from './slots.js';

test("/proc/net/tcp's address form: each 32-bit word little-endian, the port in hex", () => {
  assert.equal(procNetAddress('127.0.0.1', 8080), '0100007F:1F90');
  assert.equal(procNetAddress('0.0.0.0', 80), '00000000:0050');
  assert.equal(procNetAddress('::', 443), `${'0'.repeat(32)}:01BB`);
  assert.equal(procNetAddress('::1', 1717), '00000000000000000000000001000000:06B5');
  assert.equal(procNetAddress('::ffff:127.0.0.1', 1), '0000000000000000FFFF00000100007F:0001');
});

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const row = (sl: number, local: string, st: string, rx: number) =>
  `  ${sl}: ${local} 00000000:0000 ${st} 00000000:${rx.toString(16).toUpperCase().padStart(8, '0')} 00:00000000 00000000     0        0 4708 1 0000000000000000 100 0 0 10 0`;

test('the accept queue of each wanted listener is its rx_queue; the scan stops at the first row that is not LISTEN', () => {
  const wanted = new Set(['0100007F:1F90', '00000000:0050']);
  const into = new Map<string, number>();
  const lines = [HEADER, row(0, '0100007F:1F90', '0A', 5), row(1, '0100007F:0016', '0A', 9), row(2, '00000000:0050', '0A', 0x1c)];
  assert.deepEqual(scanListenRows(lines, wanted, into), { done: false }, 'more listening rows may follow');
  assert.deepEqual(
    [...into],
    [
      ['0100007F:1F90', 5],
      ['00000000:0050', 28],
    ],
  );
  const later = new Map<string, number>();
  assert.deepEqual(scanListenRows([row(3, '0100007F:1F90', '01', 7), row(4, '00000000:0050', '0A', 3)], wanted, later), { done: true });
  assert.equal(later.size, 0, 'an established connection on the same port is not the queue');
  assert.deepEqual(scanListenRows(['garbage', ''], wanted, later), { done: false }, 'lines that are not rows are skipped');
});

test("accept = workers: held connections go to the master's queue for idle workers, from the fullest holder first", () => {
  const slots = pool(
    states.ready(11, { waiting: 3, inRequest: true }),
    states.ready(12, { waiting: 0 }),
    states.ready(13, { waiting: 0 }),
    states.ready(14, { waiting: 1, inRequest: true }),
  );
  assert.deepEqual(
    spillOrders(slots).map((o) => [o.proc.pid, o.count]),
    [[11, 2]],
    'two idle workers: two connections, from the worker holding three',
  );
  assert.deepEqual(spillOrders(pool(states.ready(11, { waiting: 3, inRequest: true }), states.ready(12, { inRequest: true }))), [], 'nobody idle');
  const many = pool(states.ready(11, { waiting: 1, inRequest: true }), states.ready(12, { waiting: 1, inRequest: true }), states.ready(13), states.ready(14));
  assert.deepEqual(
    spillOrders(many).map((o) => [o.proc.pid, o.count]),
    [
      [11, 1],
      [12, 1],
    ],
  );
});

test(`accept = auto: the workers accept from ${ACCEPT_WORKERS_FROM_CORES} cores up`, () => {
  assert.equal(acceptMode('auto', ACCEPT_WORKERS_FROM_CORES - 1), 'master');
  assert.equal(acceptMode('auto', ACCEPT_WORKERS_FROM_CORES), 'workers');
  assert.equal(acceptMode('master', 64), 'master');
  assert.equal(acceptMode('workers', 2), 'workers');
});

test('accept = workers: a busy worker with more kept-alive connections than its share sheds the excess while another is idle', () => {
  const burst = pool(states.ready(11, { open: 32, inRequest: true }), states.ready(12, { open: 0 }));
  assert.deepEqual(
    shedOrders(burst).map((o) => [o.proc.pid, o.count]),
    [[11, 16]],
    '32 connections over 2 workers: 16 each',
  );
  assert.deepEqual(
    shedOrders(pool(states.ready(11, { open: 32, inRequest: true }), states.ready(12, { open: 1, inRequest: true }))),
    [],
    'nobody idle: nothing to gain',
  );
  assert.deepEqual(shedOrders(pool(states.ready(11, { open: 9, inRequest: true }), states.ready(12, { open: 7 }))), [], 'within one of the share');
  assert.deepEqual(
    shedOrders(pool(states.ready(11, { open: 32 }), states.ready(12, { open: 0 }))),
    [],
    'idle kept-alive connections cost nothing where they are',
  );
});
