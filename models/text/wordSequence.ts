/** Keras' default `filters`: punctuation plus tab and newline (not '\r', not the apostrophe). */
export const KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/**
 * Per-filters lookup tables, built once: the text path runs on every request, so nothing
 * (regex, Set) is built per call.
 */
const filterTables = new Map<string, Set<number>>();

function filterCodes(filters: string): Set<number> {
  let codes = filterTables.get(filters);
  if (!codes) {
    codes = new Set<number>();
    // Python's str.translate maps code points, so iterate code points, not UTF-16 units.
    for (const ch of filters) codes.add(ch.codePointAt(0)!);
    filterTables.set(filters, codes);
  }
  return codes;
}

/**
 * keras.preprocessing.text.text_to_word_sequence, exactly: lowercase (Python's str.lower; JS
 * toLowerCase applies the same full Unicode mapping, incl. final sigma and 'İ' -> 'i̇'. Compared
 * over every code point, Node 20 (Unicode 17) and Python 3.11 (Unicode 14) differ only on the
 * 55 capitals added since Unicode 14, which Python leaves as they are), replace every filter
 * character by `split`, split on `split`, drop empty strings. Only `split` separates words:
 * '\r' or a no-break space stays inside a word, as in Keras.
 */
export function textToWordSequence(text: string, filters: string = KERAS_FILTERS, lower = true, split = ' '): string[] {
  if (split === '') throw new Error('Expected split to be a non-empty string (Python\'s str.split rejects an empty separator), got ""');
  const input = lower ? text.toLowerCase() : text;
  const codes = filterCodes(filters);
  if (split.length !== 1) {
    let replaced = '';
    for (const ch of input) replaced += codes.has(ch.codePointAt(0)!) ? split : ch;
    return replaced.split(split).filter((word) => word !== '');
  }
  const splitCode = split.charCodeAt(0);
  const words: string[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    // Filters are matched per code point: a surrogate pair is a filter only if the filters hold it.
    let width = 1;
    let point = code;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < input.length) {
      point = input.codePointAt(i)!;
      if (point > 0xffff) width = 2;
    }
    if (point === splitCode || codes.has(point)) {
      if (i > start) words.push(input.slice(start, i));
      start = i + width;
    }
    i += width - 1;
  }
  if (input.length > start) words.push(input.slice(start));
  return words;
}
