/**
 * The classic tutorial's files (test/fixtures/tutorial/), and copies of them set up the way its
 * reader sets them up: the two placeholders of uwsgi.ini changed, nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './server.js';

export const TUTORIAL_DIR = path.join(REPO, 'test', 'fixtures', 'tutorial');
export const TUTORIAL_INI = path.join(TUTORIAL_DIR, 'uwsgi.ini');
/** The folder the tutorial's files name, as printed. */
export const TUTORIAL_APP_FOLDER = '/home/harkous/Development/production_ml';
/** The tutorial's `test_parallel_requests.sh` GETs this, 11 times at once. */
export const TUTORIAL_QUERY = '/predict?text=this%20is%20a%20news%20sample%20text%20about%20sports,%20and%20football%20in%20specific';

function setLine(text: string, key: string, value: string): string {
  const line = new RegExp(`^${key} = .*$`, 'm');
  if (!line.test(text)) throw new Error(`the tutorial's uwsgi.ini has no \`${key} = \` line`);
  return text.replace(line, `${key} = ${value}`);
}

/** Writes `<dir>/uwsgi.ini`: the tutorial's, with `my_app_folder` and `my_user` set. */
export function writeTutorialIni(dir: string, placeholders: { appFolder: string; user: string }): string {
  const text = fs.readFileSync(TUTORIAL_INI, 'utf8');
  const file = path.join(dir, 'uwsgi.ini');
  fs.writeFileSync(file, setLine(setLine(text, 'my_app_folder', placeholders.appFolder), 'my_user', placeholders.user));
  return file;
}

/** The tutorial's nginx site with its socket path in `appFolder`, as the reader edits it. */
export function tutorialSite(appFolder: string): string {
  return fs.readFileSync(path.join(TUTORIAL_DIR, 'nginx_production_ml'), 'utf8').split(TUTORIAL_APP_FOLDER).join(appFolder);
}
