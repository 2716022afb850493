import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { describeConfig, loadConfig } from '../../server/config/index.js';
import { TUTORIAL_APP_FOLDER, TUTORIAL_INI } from '../helpers/tutorial.js';

test('the start summary of the tutorial setup: listener, 5..50 workers with spare, stats socket', () => {
  const text = describeConfig(loadConfig(['--ini', TUTORIAL_INI], {}, tmpdir()).config);
  assert.match(text, new RegExp(`^listening: uwsgi ${TUTORIAL_APP_FOLDER}/production_ml\\.sock \\(chmod 666\\); queue 100$`, 'm'));
  assert.match(text, /^workers: +min 5, initial 5, max 50; algorithm spare \(step 3, spawn after 3 busy checks\), check every 0\.1 s$/m);
  assert.match(text, new RegExp(`^stats: +${TUTORIAL_APP_FOLDER}/stats\\.production_ml\\.sock \\(raw JSON\\)`, 'm'));
  assert.match(text, /^lifecycle: harakiri off;/m);
});

test('the summary shows fixed pools, guards that are on, and a disabled stats server', () => {
  const { config } = loadConfig(
    [
      '--workers',
      '4',
      '--cheaper',
      '0',
      '--harakiri',
      '30',
      '--harakiri-graceful-timeout',
      '5',
      '--stats',
      'off',
      '--max-requests',
      '1000',
      '--pidfile',
      't.pid',
    ],
    {},
    tmpdir(),
  );
  const text = describeConfig(config);
  assert.match(text, /^listening: http 127\.0\.0\.1:4444; queue 100; (master|workers) accept \(auto, \d+ cores\)$/m);
  assert.match(text, /^workers: +4 \(fixed: cheaper 0\)$/m);
  assert.match(text, /harakiri 30 s \(SIGTERM, SIGKILL after 5 s\); max-requests 1000;/);
  assert.match(text, /^stats: +off;/m);
  assert.match(text, /pidfile t\.pid/);
  assert.match(text, /max body 100 KiB;/);
  assert.doesNotMatch(text, /rss limit/);
  const limited = describeConfig(loadConfig(['--cheaper-rss-limit-soft', '1536M', '--cheaper-rss-limit-hard', '2G'], {}, tmpdir()).config);
  assert.match(limited, /^rss limit: soft 1536 MiB, hard 2 GiB$/m);
});
