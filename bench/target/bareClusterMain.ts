/**
 * The node:http clusters tidepool is measured against (round-robin, one process per worker, no
 * master queue, no batching). Prints `{"port":N,"pids":[...]}` once every worker listens.
 * Usage: node dist/bench/target/bareClusterMain.js WORKERS constant
 *        node dist/bench/target/bareClusterMain.js WORKERS model MODEL_DIR BACKEND
 * - constant: a constant JSON answer, the ceiling for any Node server on the machine.
 * - model: tidepool's own predictor (models/index.ts) on every GET /predict?text=..., with
 *   tidepool's answer; what the model costs without tidepool's master around it.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import { loadPredictor, parseBackendRequest } from '../../models/index.js';

const [workersArg = '2', mode = 'constant', modelDir, backend = 'auto'] = process.argv.slice(2);
const workers = Number(workersArg);

type Answer = (url: string) => { status: number; body: string };

async function answerer(): Promise<Answer> {
  if (mode === 'constant') {
    const body = JSON.stringify({ prediction: '3' });
    return () => ({ status: 200, body });
  }
  if (mode !== 'model' || modelDir === undefined) {
    throw new Error(`Expected the mode to be constant, or model MODEL_DIR [BACKEND], got ${process.argv.slice(3).join(' ')}`);
  }
  const predictor = await loadPredictor(modelDir, { backend: parseBackendRequest(backend) });
  return (url) => {
    const text = new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('text');
    if (!text) return { status: 400, body: JSON.stringify({ error: 'Missing query parameter `text`: call /predict?text=...' }) };
    const p = predictor.predict([text])[0]!;
    return { status: 200, body: JSON.stringify({ prediction: String(p.prediction), label: p.label, probability: p.probability }) };
  };
}

if (cluster.isPrimary) {
  let listening = 0;
  const pids = [process.pid];
  cluster.on('listening', (worker, address) => {
    pids.push(worker.process.pid ?? 0);
    if (++listening === workers) process.stdout.write(JSON.stringify({ port: address.port, pids }) + '\n');
  });
  cluster.on('exit', (worker, code) => {
    if (listening < workers) {
      process.stderr.write(`bare cluster: worker ${worker.process.pid} exited with code ${code} before listening\n`);
      process.exit(1);
    }
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const answer = await answerer();
  // Listening on port 0 in a cluster gives every worker the same port.
  http
    .createServer((req, res) => {
      const { status, body } = answer(req.url ?? '/');
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    })
    .listen(0, '127.0.0.1');
}
