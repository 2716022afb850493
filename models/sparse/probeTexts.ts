const NEWS = 'Shr 32 cts vs 28 cts net profit 4.1 mln vs 3.6 mln, and OPEC ministers agreed to cut crude oil output by 500,000 barrels per day';

/** Texts that need no vocabulary: nothing, filters only, words no index holds, ordinary and very long news. */
const FIXED_PROBES: readonly string[] = [
  '',
  ' ... !!! -- (\t) \n',
  'zqxjv unheardofword xyzzyplugh',
  'this is a news sample text about sports, and football in specific',
  NEWS,
  Array.from({ length: 50 }, () => NEWS).join(' '),
];

/**
 * The texts the sparse path is checked on against TensorFlow.js at every load, as one batch.
 * Besides fixed texts, they are built from the word index so that they reach every input the
 * vocabulary can set, whatever the model: the `numWords` most frequent words all at once, the
 * same words split into `groups` texts (each input appears in exactly one), plus words ranked
 * past numWords, which encode as out-of-vocabulary or not at all.
 */
export function probeTexts(wordIndex: ReadonlyMap<string, number>, numWords: number, groups = 16): string[] {
  const byRank = [...wordIndex].sort((a, b) => a[1] - b[1]).map(([word]) => word);
  const inRange = byRank.slice(0, numWords);
  const beyond = byRank.slice(numWords, numWords + 50);
  const grouped = Array.from({ length: groups }, (_, g) => inRange.filter((_, i) => i % groups === g).join(' '));
  return [...FIXED_PROBES, [...inRange, ...beyond].join(' '), ...grouped.filter((text) => text !== '')];
}
