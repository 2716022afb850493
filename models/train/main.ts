import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseCommandLine } from '../../core/cli/usage.js';
import { parseTrainArgs, trainHelp } from './options.js';
import { renderProgress } from './progress.js';
import { train, type TrainEvents } from './trainer.js';

/** `tidepool train [options]`: returns the exit code (0 trained, 1 failed, 2 bad options). */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine('train', () => parseTrainArgs(argv), trainHelp);
  if (typeof parsed === 'number') return parsed;
  const events = new EventEmitter<TrainEvents>();
  renderProgress(events, process.stderr);
  try {
    await train(parsed.options, events);
    return 0;
  } catch (error) {
    process.stderr.write(`tidepool train: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
