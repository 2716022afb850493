import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAgo,
  formatBytes,
  formatClock,
  formatCount,
  formatDuration,
  formatInterval,
  formatMemory,
  formatPercent,
  formatRanges,
  formatRate,
  formatSpawnTime,
  truncate,
  truncateLeft,
} from '../../tui/view/format.js';

test('bytes read like uwsgitop: 90, 4.6K, 118M', () => {
  assert.equal(formatBytes(0), '0');
  assert.equal(formatBytes(90), '90');
  assert.equal(formatBytes(4723), '4.6K');
  assert.equal(formatBytes(123_731_968), '118M');
  assert.equal(formatBytes(2.5 * 1024 ** 3), '2.5G');
  assert.equal(formatBytes(-1), '-');
});

test('memory 0 means not reported (memory-report off), shown as -', () => {
  assert.equal(formatMemory(0), '-');
  assert.equal(formatMemory(50 * 1024 * 1024), '50M');
});

test('durations pick the unit a person reads', () => {
  assert.equal(formatDuration(0.282), '0.28ms');
  assert.equal(formatDuration(12.4), '12ms');
  assert.equal(formatDuration(2955), '2.96s');
  assert.equal(formatDuration(18_020.209), '18.0s');
  assert.equal(formatDuration(182_000), '3m02s');
  assert.equal(formatDuration(3_840_000), '1h04m');
  assert.equal(formatDuration(183_600_000), '2d03h');
  assert.equal(formatDuration(Number.NaN), '-');
});

test('counts, rates and percentages', () => {
  assert.equal(formatCount(99_999), '99999');
  assert.equal(formatCount(123_456), '123.5k');
  assert.equal(formatCount(12_300_000), '12.3M');
  assert.equal(formatRate(null), '-');
  assert.equal(formatRate(0), '0');
  assert.equal(formatRate(2.345), '2.3');
  assert.equal(formatRate(46.2), '46');
  assert.equal(formatPercent(0.135), '13.5');
  assert.equal(formatPercent(null), '-');
  assert.equal(formatInterval(100), '100ms');
  assert.equal(formatInterval(1000), '1s');
  assert.equal(formatInterval(2500), '2.5s');
});

test('times: clock, spawn time (date when old), ago', () => {
  const at = new Date(2026, 10, 24, 13, 8, 48).getTime();
  assert.equal(formatClock(at), '13:08:48');
  assert.equal(formatSpawnTime(at / 1000, at + 60_000), '13:08:48');
  assert.equal(formatSpawnTime(at / 1000, at + 3 * 86_400_000), '2026-11-24');
  assert.equal(formatSpawnTime(0, at), '-');
  assert.equal(formatAgo(at, at + 12_400), '12s ago');
  assert.equal(formatAgo(at, at + 182_000), '3m02s ago');
  assert.equal(formatAgo(at + 300, at), 'just now');
});

test('cutting text marks the cut', () => {
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abc', 4), 'abc');
  assert.equal(truncateLeft('/run/app/stats.sock', 10), '…tats.sock');
  assert.equal(truncate('abc', 0), '');
});

test('slot ids fold into ranges', () => {
  assert.equal(formatRanges([9, 1, 2, 3, 6, 8]), '1-3,6,8-9');
  assert.equal(formatRanges([]), '');
  assert.equal(formatRanges([4]), '4');
});
