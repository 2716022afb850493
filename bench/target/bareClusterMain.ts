/**
 * The ceiling for any Node server on this machine: a bare node:http cluster (round-robin, one
 * process per worker) answering a constant JSON; or, given an app file, the usual way to run a
 * Node app on several cores: node:cluster with the file's `app` export (an express app, a
 * (req, res) handler) in each worker. Prints `{"port":N,"pids":[...]}` once every worker listens.
 * Usage: node dist/bench/target/bareClusterMain.js WORKERS [APP_FILE]
 */
import cluster from 'node:cluster';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const workers = Number(process.argv[2] ?? 2);
const appFile = process.argv[3];
if (cluster.isPrimary) {
  let listening = 0;
  const pids = [process.pid];
  cluster.on('listening', (worker, address) => {
    pids.push(worker.process.pid ?? 0);
    if (++listening === workers) process.stdout.write(JSON.stringify({ port: address.port, pids }) + '\n');
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const body = JSON.stringify({ prediction: '3' });
  const constant: http.RequestListener = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const app = appFile === undefined ? constant : ((await import(pathToFileURL(appFile).href)) as { app: http.RequestListener }).app;
  // Listening on port 0 in a cluster gives every worker the same port.
  http.createServer(app).listen(0, '127.0.0.1');
}
