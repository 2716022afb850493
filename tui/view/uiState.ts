import { COLUMNS, SORTABLE, columnById, type ColumnId } from './columns.js';
import { FILTER_HELP } from './workerRows.js';

/** What the person at the keyboard chose. Changed only by `reduceKey`. */
export interface UiState {
  sortBy: ColumnId;
  descending: boolean;
  /** Applied filter ('' = all). */
  filter: string;
  /** The filter being typed after `/`, or null when not typing. */
  filterDraft: string | null;
  paused: boolean;
  /** 100 ms refresh instead of the --frequency. */
  fast: boolean;
  showCores: boolean;
  collapseCheap: boolean;
  /** First table row shown; clamped against the rows when drawn. */
  scroll: number;
  help: boolean;
}

export const INITIAL_UI: UiState = {
  sortBy: 'wid',
  descending: false,
  filter: '',
  filterDraft: null,
  paused: false,
  fast: false,
  showCores: false,
  collapseCheap: true,
  scroll: 0,
  help: false,
};

/** The parts of a blessed keypress the dashboard reads. */
export interface Key {
  /** The typed character, for printable keys. */
  ch?: string;
  /** blessed's key name: 'up', 'pagedown', 'escape', 'enter', 'backspace', 'c' (with ctrl)... */
  name?: string;
  ctrl?: boolean;
}

/** What the app must do after a key, besides drawing the new state. */
export type KeyEffect = 'none' | 'redraw' | 'quit' | 'interval' | 'pause';

export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['q, Ctrl-C', 'quit'],
  ['?', 'this help (any key closes it)'],
  ['s', 'next sort column; the keys below sort by one (again: reverse)'],
  ['/', `filter: ${FILTER_HELP}; Enter applies, Esc cancels, empty clears`],
  ['c', 'fold / list the cheap slots'],
  ['a', 'one row per core: what each is doing'],
  ['p', 'pause / resume polling'],
  ['f', 'fast refresh (100 ms) on / off'],
  ['Up Down j k, PgUp PgDn, Home End', 'scroll the table'],
  ...COLUMNS.filter((c) => c.key !== undefined).map((c) => [c.key!, `sort by ${c.title}: ${c.help}`] as const),
];

/** The state after `key`, given how many table rows a page shows. Pure. */
export function reduceKey(state: UiState, key: Key, pageRows: number): { state: UiState; effect: KeyEffect } {
  if (key.ctrl && key.name === 'c') return { state, effect: 'quit' };
  if (state.filterDraft !== null) return editFilter(state, state.filterDraft, key);
  if (state.help) {
    // Any key closes the help, but q still quits: people press it to leave whatever they see.
    return { state: { ...state, help: false }, effect: key.ch === 'q' ? 'quit' : 'redraw' };
  }
  const page = Math.max(1, pageRows);
  const scrollTo = (scroll: number) => ({ state: { ...state, scroll: Math.max(0, scroll) }, effect: 'redraw' as const });
  switch (key.name) {
    case 'up':
      return scrollTo(state.scroll - 1);
    case 'down':
      return scrollTo(state.scroll + 1);
    case 'pageup':
      return scrollTo(state.scroll - page);
    case 'pagedown':
      return scrollTo(state.scroll + page);
    case 'home':
      return scrollTo(0);
    case 'end':
      return scrollTo(Number.MAX_SAFE_INTEGER);
    case 'escape':
      return { state: { ...state, filter: '', scroll: 0 }, effect: 'redraw' };
  }
  const toggle = (field: 'fast' | 'paused' | 'showCores' | 'collapseCheap' | 'help', effect: KeyEffect = 'redraw') => ({
    state: { ...state, [field]: !state[field] },
    effect,
  });
  switch (key.ch) {
    case 'q':
      return { state, effect: 'quit' };
    case '?':
      return toggle('help');
    case 'p':
      return toggle('paused', 'pause');
    case 'f':
      return toggle('fast', 'interval');
    case 'a':
      return toggle('showCores');
    case 'c':
      return toggle('collapseCheap');
    case 'j':
      return scrollTo(state.scroll + 1);
    case 'k':
      return scrollTo(state.scroll - 1);
    case 'g':
      return scrollTo(0);
    case 'G':
      return scrollTo(Number.MAX_SAFE_INTEGER);
    case '/':
      return { state: { ...state, filterDraft: state.filter }, effect: 'redraw' };
    case 's': {
      const next = SORTABLE[(SORTABLE.indexOf(state.sortBy) + 1) % SORTABLE.length]!;
      return { state: { ...state, sortBy: next, descending: columnById(next).descending, scroll: 0 }, effect: 'redraw' };
    }
  }
  const column = COLUMNS.find((c) => c.key !== undefined && c.key === key.ch);
  if (column !== undefined) {
    const descending = column.id === state.sortBy ? !state.descending : column.descending;
    return { state: { ...state, sortBy: column.id, descending, scroll: 0 }, effect: 'redraw' };
  }
  return { state, effect: 'none' };
}

function editFilter(state: UiState, draft: string, key: Key): { state: UiState; effect: KeyEffect } {
  switch (key.name) {
    case 'enter':
    case 'return':
      return { state: { ...state, filter: draft.trim(), filterDraft: null, scroll: 0 }, effect: 'redraw' };
    case 'escape':
      return { state: { ...state, filterDraft: null }, effect: 'redraw' };
    case 'backspace':
      return { state: { ...state, filterDraft: draft.slice(0, -1) }, effect: 'redraw' };
  }
  if (key.ch !== undefined && key.ch.length === 1 && key.ch >= ' ' && !key.ctrl) {
    return { state: { ...state, filterDraft: draft + key.ch }, effect: 'redraw' };
  }
  return { state, effect: 'none' };
}

/** The scroll position that keeps a full page in view. */
export function clampScroll(scroll: number, totalRows: number, visibleRows: number): number {
  return Math.max(0, Math.min(scroll, totalRows - visibleRows));
}
