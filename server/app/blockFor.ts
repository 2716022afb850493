const cell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Block the thread for `ms` milliseconds, as a synchronous model (or the classic
 * `time.sleep(3)` experiment) would: the event loop does nothing meanwhile.
 */
export function blockFor(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
