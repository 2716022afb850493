import type { EventEmitter } from 'node:events';
import type { TrainEvents } from './trainer.js';

export interface BatchState {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  acc: number;
}

const BAR_WIDTH = 24;

/** "epoch 2/5 [=========>              ] 120/253 loss 0.8123 acc 0.7412" */
export function formatBatchLine(state: BatchState): string {
  const done = Math.min(BAR_WIDTH, Math.floor((state.batch / Math.max(1, state.batches)) * BAR_WIDTH));
  const bar = done >= BAR_WIDTH ? '='.repeat(BAR_WIDTH) : '='.repeat(done) + '>' + ' '.repeat(BAR_WIDTH - done - 1);
  const width = String(state.batches).length;
  return `epoch ${state.epoch}/${state.epochs} [${bar}] ${String(state.batch).padStart(width)}/${state.batches} loss ${state.loss.toFixed(4)} acc ${state.acc.toFixed(4)}`;
}

export interface EpochLine {
  epoch: number;
  epochs: number;
  batches: number;
  loss: number;
  acc: number;
  valLoss: number | null;
  valAcc: number | null;
  seconds: number;
  best: boolean;
}

/** "epoch 2/5 253/253 loss 0.8123 acc 0.7412 val_loss 0.9 val_acc 0.72 4.1 s (best so far)" */
export function formatEpochLine(line: EpochLine): string {
  const validation = line.valLoss === null || line.valAcc === null ? '' : ` val_loss ${line.valLoss.toFixed(4)} val_acc ${line.valAcc.toFixed(4)}`;
  return `epoch ${line.epoch}/${line.epochs} ${line.batches}/${line.batches} loss ${line.loss.toFixed(4)} acc ${line.acc.toFixed(4)}${validation} ${line.seconds.toFixed(1)} s${line.best ? ' (best so far)' : ''}`;
}

/**
 * Renders a trainer's events on a stream: a live bar redrawn in place on a TTY, one plain line
 * per epoch otherwise (logs and CI should not fill with carriage returns).
 */
export function renderProgress(trainer: EventEmitter<TrainEvents>, stream: NodeJS.WritableStream & { isTTY?: boolean }): void {
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  trainer.on('data', (summary) =>
    stream.write(`${summary.description}: ${summary.train} train, ${summary.validation} validation, ${summary.test} test documents\n`),
  );
  trainer.on('backend', (backend) => stream.write(`backend: ${backend.detail}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}\n`));
  trainer.on('batchEnd', (state) => {
    if (!tty) return;
    const now = Date.now();
    if (now - lastDraw < 100 && state.batch < state.batches) return;
    lastDraw = now;
    stream.write(`\r${formatBatchLine(state)}\x1b[K`);
  });
  trainer.on('epochEnd', (line) => stream.write(`${tty ? '\r' : ''}${formatEpochLine(line)}${tty ? '\x1b[K' : ''}\n`));
  trainer.on('done', (result) => {
    stream.write(`best epoch ${result.bestEpoch} (val_acc ${result.metrics.valAccuracy?.toFixed(4) ?? 'n/a'}); model written to ${result.out}\n`);
    stream.write(
      `test accuracy ${result.metrics.testAccuracy!.toFixed(4)} (loss ${result.metrics.testLoss!.toFixed(4)}) on ${result.test} documents; chance is ${(1 / result.classes).toFixed(4)}; trained in ${result.metrics.seconds!.toFixed(1)} s\n`,
    );
  });
}
