const N = 624;
const M = 397;

/**
 * numpy's legacy `np.random.RandomState(seed)`: MT19937 seeded with init_genrand, and the
 * parts keras.datasets.*.load_data uses, bit for bit: `shuffle` (Fisher-Yates from the end,
 * each j drawn by the legacy masked-rejection `random_interval`) and `random_sample`.
 * np.random.RandomState(0).permutation(10) == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5] here too.
 */
export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`Expected seed to be an integer from 0 to 2**32 - 1 (as numpy requires), got ${seed}`);
    this.key[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const previous = this.key[i - 1]! ^ (this.key[i - 1]! >>> 30);
      // 1812433253 * previous overflows 2**53: multiply in 16-bit halves to stay exact mod 2**32.
      this.key[i] = ((((previous & 0xffff0000) >>> 16) * 1812433253) << 16) + (previous & 0x0000ffff) * 1812433253 + i;
    }
  }

  private generate(): void {
    const key = this.key;
    for (let i = 0; i < N; i++) {
      const y = (key[i]! & 0x80000000) | (key[(i + 1) % N]! & 0x7fffffff);
      key[i] = key[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  /** genrand_int32: the next tempered 32-bit output. */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random_sample(): a double in [0, 1) from 53 random bits, as numpy builds it. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** numpy's legacy random_interval: uniform in [0, max], by masking and rejecting. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError(`interval(${max}): arrays longer than 2**32 need numpy's 64-bit path, which is not implemented`);
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** In-place shuffle, identical to RandomState.shuffle on a 1-D numpy array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const swap = items[i]!;
      items[i] = items[j]!;
      items[j] = swap;
    }
    return items;
  }

  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}
