const NEWS = 'Shr 32 cts vs 28 cts net profit 4.1 mln vs 3.6 mln, and OPEC ministers agreed to cut crude oil output by 500,000 barrels per day';

/** Texts that need no vocabulary: nothing, filters only, words no index holds, ordinary and very long news. */
const FIXED_PROBES: readonly string[] = [
  '',
  ' ... !!! -- (\t) \n',
  'zqxjv unheardofword xyzzyplugh',
  'this is a news sample text about sports, and football in specific',
  NEWS,
  Array.from({ length: 20 }, () => NEWS).join(' '),
];

/**
 * The texts the sparse path is checked on against TensorFlow.js at every load, as one batch.
 * Besides fixed texts, they are built from the word index so that they reach every input the
 * vocabulary can set, whatever the model: every word ranked below numWords (indices are ranks
 * plus a non-negative offset, so no other word can reach an input) all at once, the same words
 * split into `groups` texts (each input appears in exactly one), plus the next 50 ranks, which
 * encode as out-of-vocabulary or not at all.
 */
export function probeTexts(wordIndex: ReadonlyMap<string, number>, numWords: number, groups = 16): string[] {
  // Ranks are distinct integers >= 1 (store.ts checks): place words by rank instead of sorting
  // the whole index, which a worker would pay for at every start.
  const byRank: (string | undefined)[] = new Array(numWords + 50);
  for (const [word, rank] of wordIndex) if (rank <= byRank.length) byRank[rank - 1] = word;
  const inRange: string[] = [];
  const beyond: string[] = [];
  byRank.forEach((word, i) => {
    if (word !== undefined) (i + 1 < numWords ? inRange : beyond).push(word);
  });
  const grouped = Array.from({ length: groups }, () => [] as string[]);
  inRange.forEach((word, i) => grouped[i % groups]!.push(word));
  return [...FIXED_PROBES, [...inRange, ...beyond].join(' '), ...grouped.filter((words) => words.length > 0).map((words) => words.join(' '))];
}
