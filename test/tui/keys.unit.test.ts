import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SORTABLE } from '../../tui/view/columns.js';
import { clampScroll, INITIAL_UI, KEY_HELP, reduceKey, type Key, type UiState } from '../../tui/view/uiState.js';

function press(keys: (string | Key)[], state: UiState = INITIAL_UI, page = 10): { state: UiState; effects: string[] } {
  const effects: string[] = [];
  for (const k of keys) {
    const r = reduceKey(state, typeof k === 'string' ? { ch: k, name: k.toLowerCase() } : k, page);
    state = r.state;
    effects.push(r.effect);
  }
  return { state, effects };
}

test('q and Ctrl-C quit, also from the help screen and while typing a filter', () => {
  assert.deepEqual(press(['q']).effects, ['quit']);
  assert.deepEqual(press([{ name: 'c', ctrl: true }]).effects, ['quit']);
  assert.deepEqual(press(['?', 'q']).effects, ['redraw', 'quit']);
  assert.deepEqual(press(['/', { name: 'c', ctrl: true }]).effects, ['redraw', 'quit']);
});

test('s cycles the sort column through every sortable one and back', () => {
  let state = INITIAL_UI;
  const seen: string[] = [];
  for (let i = 0; i < SORTABLE.length; i++) {
    state = press(['s'], state).state;
    seen.push(state.sortBy);
  }
  assert.equal(seen.at(-1), INITIAL_UI.sortBy);
  assert.deepEqual([...seen].sort(), [...SORTABLE].sort());
  assert.equal(press(['s']).state.sortBy, 'pid', 'after WID comes PID');
});

test('a column key sorts by it (biggest first), pressed again reverses', () => {
  const once = press(['R']).state;
  assert.deepEqual([once.sortBy, once.descending], ['rps', true]);
  const twice = press(['R', 'R']).state;
  assert.deepEqual([twice.sortBy, twice.descending], ['rps', false]);
  assert.equal(press(['r']).state.sortBy, 'req');
  assert.equal(press(['m']).state.sortBy, 'rss');
});

test('/ types a filter: Enter applies, Backspace edits, Esc cancels, Esc again clears', () => {
  const typed = press(['/', 'b', 'u', 'x', { name: 'backspace' }, 's', 'y', { name: 'enter' }]).state;
  assert.equal(typed.filter, 'busy');
  assert.equal(typed.filterDraft, null);
  const cancelled = press(['/', 'i', 'd', { name: 'escape' }], typed).state;
  assert.equal(cancelled.filter, 'busy');
  assert.equal(press([{ name: 'escape' }], cancelled).state.filter, '');
  assert.equal(press(['/', 'q', { name: 'enter' }]).state.filter, 'q', 'q is text while typing');
});

test('p pauses, f switches to fast refresh, a shows cores, c unfolds cheap slots', () => {
  const r = press(['p', 'f', 'a', 'c']);
  assert.deepEqual(r.effects, ['pause', 'interval', 'redraw', 'redraw']);
  assert.deepEqual([r.state.paused, r.state.fast, r.state.showCores, r.state.collapseCheap], [true, true, true, false]);
});

test('arrows, PgUp/PgDn, Home/End scroll; the frame clamps to the rows', () => {
  const down = press([{ name: 'down' }, { name: 'down' }, { name: 'pagedown' }]).state;
  assert.equal(down.scroll, 12);
  assert.equal(press([{ name: 'pageup' }, { name: 'pageup' }], down).state.scroll, 0);
  assert.equal(press([{ name: 'end' }]).state.scroll, Number.MAX_SAFE_INTEGER);
  assert.equal(clampScroll(Number.MAX_SAFE_INTEGER, 50, 20), 30);
  assert.equal(clampScroll(5, 10, 20), 0);
});

test('an unknown key changes nothing and asks for no redraw', () => {
  assert.deepEqual(press(['Z']), { state: INITIAL_UI, effects: ['none'] });
});

test('the help lists every sort key once and no key twice', () => {
  const keys = KEY_HELP.flatMap(([k]) => k.split(/, | /)).filter((k) => k.length === 1);
  assert.equal(new Set(keys).size, keys.length, keys.join(' '));
  for (const key of ['R', 'r', 'i', 'm', 'e', 'u']) assert.ok(keys.includes(key), key);
});
