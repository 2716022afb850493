/** Where the user-app tests find their apps: the compiled examples and the fixture apps. */
import path from 'node:path';
import { REPO } from './server.js';

export const EXAMPLES = path.join(REPO, 'dist', 'examples');
export const FIXTURE_APPS = path.join(REPO, 'test', 'fixtures', 'apps');
export const EXPRESS_EXAMPLE = path.join(EXAMPLES, 'express', 'app.js');

/** The tutorial's nginx site: everything to the app through uwsgi_pass (run with deploy/sandbox). */
export function uwsgiSite(upstream: string): string {
  return `server {
    listen 4444;
    location / {
        include /etc/nginx/uwsgi_params;
        uwsgi_pass unix:${upstream};
    }
}
`;
}
