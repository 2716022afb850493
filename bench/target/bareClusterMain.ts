/**
 * The node:http clusters tidepool is measured against (round-robin, one process per worker, no
 * master queue, no batching). Prints `{"port":N,"pids":[...]}` once every worker listens.
 * Usage: node dist/bench/target/bareClusterMain.js WORKERS constant
 *        node dist/bench/target/bareClusterMain.js WORKERS model MODEL_DIR BACKEND
 *        node dist/bench/target/bareClusterMain.js WORKERS app APP_FILE
 * - constant: a constant JSON answer, the ceiling for any Node server on the machine.
 * - model: tidepool's own predictor (models/index.ts) on every GET /predict?text=..., with
 *   tidepool's answer; what the model costs without tidepool's master around it.
 * - app: the usual way to run a Node app on several cores: node:cluster with the file's `app`
 *   export (an express app, a (req, res) handler) in each worker.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { isClassPrediction, loadPredictor, parseBackendRequest, type Prediction } from '../../models/index.js';

const [workersArg = '2', mode = 'constant', modelDirOrApp, backend = 'auto'] = process.argv.slice(2);
const workers = Number(workersArg);

interface Reply {
  status: number;
  body: string;
}

/** onnxruntime answers through a promise; the other engines at once. */
type Answer = (url: string) => Reply | Promise<Reply>;

function constantAnswer(): Answer {
  const body = JSON.stringify({ prediction: '3' });
  return () => ({ status: 200, body });
}

async function modelAnswer(modelDir: string): Promise<Answer> {
  const predictor = await loadPredictor(modelDir, { backend: parseBackendRequest(backend) });
  return (url) => {
    const text = new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('text');
    if (!text) return { status: 400, body: JSON.stringify({ error: 'Missing query parameter `text`: call /predict?text=...' }) };
    const reply = ([p]: Prediction[]): Reply => {
      if (p === undefined || !isClassPrediction(p)) return { status: 500, body: JSON.stringify({ error: 'the model answered no class' }) };
      return { status: 200, body: JSON.stringify({ prediction: String(p.prediction), label: p.label, probability: p.probability }) };
    };
    const out = predictor.predict([text]);
    return out instanceof Promise ? out.then(reply) : reply(out);
  };
}

function answering(answer: Answer): http.RequestListener {
  const write = (res: http.ServerResponse, { status, body }: Reply): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  return (req, res) => {
    const reply = answer(req.url ?? '/');
    if (reply instanceof Promise) void reply.then((r) => write(res, r));
    else write(res, reply);
  };
}

async function listener(): Promise<http.RequestListener> {
  if (mode === 'constant') return answering(constantAnswer());
  if (mode === 'model' && modelDirOrApp !== undefined) return answering(await modelAnswer(modelDirOrApp));
  if (mode === 'app' && modelDirOrApp !== undefined) return ((await import(pathToFileURL(modelDirOrApp).href)) as { app: http.RequestListener }).app;
  throw new Error(`Expected the mode to be constant, model MODEL_DIR [BACKEND] or app APP_FILE, got ${process.argv.slice(3).join(' ')}`);
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
  const app = await listener();
  // Listening on port 0 in a cluster gives every worker the same port.
  http.createServer(app).listen(0, '127.0.0.1');
}
