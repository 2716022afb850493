/**
 * A TensorFlow.js graph model of the Reuters MLP, for what no framework fixture has (a graph model
 * with a dynamic batch dimension): the weights of a Keras .h5 in the JSON GraphDef form
 * tensorflowjs_converter writes for a frozen graph (Placeholder, Const, MatMul, BiasAdd, Relu, Softmax).
 */
import fs from 'node:fs';
import path from 'node:path';

type H5Wasm = typeof import('h5wasm');

export async function writeMlpGraphModel(fromH5: string, dir: string): Promise<string> {
  const h5 = (await import('h5wasm/node')) as unknown as H5Wasm;
  await h5.ready;
  const f = new h5.File(fromH5, 'r');
  const read = (layer: string, name: string) => (f.get(`model_weights/${layer}/sequential/${layer}/${name}`) as import('h5wasm').Dataset).value as Float32Array;
  const weights: [string, number[], Float32Array][] = [
    ['W1', [1000, 512], read('dense', 'kernel')],
    ['b1', [512], read('dense', 'bias')],
    ['W2', [512, 46], read('dense_1', 'kernel')],
    ['b2', [46], read('dense_1', 'bias')],
  ];
  f.close();
  const float = { type: 'DT_FLOAT' };
  const constant = (name: string, shape: number[]) => ({
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } } }, dtype: float },
  });
  const matmul = (name: string, a: string, b: string) => ({
    name,
    op: 'MatMul',
    input: [a, b],
    attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: float },
  });
  // data_format "NHWC", base64 as the converter writes strings.
  const biasAdd = (name: string, x: string, b: string) => ({
    name,
    op: 'BiasAdd',
    input: [x, b],
    attr: { T: float, data_format: { s: Buffer.from('NHWC').toString('base64') } },
  });
  const node = [
    { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '1000' }] } } } },
    ...weights.map(([name, shape]) => constant(name, shape)),
    matmul('mm1', 'x', 'W1'),
    biasAdd('add1', 'mm1', 'b1'),
    { name: 'relu', op: 'Relu', input: ['add1'], attr: { T: float } },
    matmul('mm2', 'relu', 'W2'),
    biasAdd('add2', 'mm2', 'b2'),
    { name: 'probs', op: 'Softmax', input: ['add2'], attr: { T: float } },
  ];
  fs.mkdirSync(dir, { recursive: true });
  const model = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'tidepool test (tensorflowjs_converter layout)',
    modelTopology: { node, versions: { producer: 1286 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }],
  };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(model));
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat(weights.map(([, , v]) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
  return path.join(dir, 'model.json');
}
