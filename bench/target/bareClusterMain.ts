/**
 * The ceiling for any Node server on this machine: a bare node:http cluster (round-robin, one
 * process per worker) answering a constant JSON. Prints `{"port":N,"pids":[...]}` once every
 * worker listens. Usage: node dist/bench/target/bareClusterMain.js WORKERS
 */
import cluster from 'node:cluster';
import http from 'node:http';

const workers = Number(process.argv[2] ?? 2);
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
  // Listening on port 0 in a cluster gives every worker the same port.
  http
    .createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    })
    .listen(0, '127.0.0.1');
}
