/**
 * Builds the models under models/ (run: `npm run models`; a few minutes on 2 cores):
 *   gmm4-exact-score.onnx    the exact score of the 4-component ring mixture under vp (float64 graph)
 *   gmm4-denoiser.onnx       a tiny ε-network trained on that mixture (float32)
 *   gaussian-denoiser.onnx   the same network trained on an anisotropic 2-D Gaussian (float32)
 * The targets are written beside them as JSON target files (dw2's --target format).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gmmScoreGraph } from './gmm-score-graph.js';
import { denoiserGraph, trainDenoiser, type Mixture2d } from './train-denoiser.js';

export const ring4: Mixture2d = {
  weights: [0.25, 0.25, 0.25, 0.25],
  means: [[2, 0], [0, 2], [-2, 0], [0, -2]],
  variances: [[0.2, 0.2], [0.2, 0.2], [0.2, 0.2], [0.2, 0.2]],
};
export const gaussian2d: Mixture2d = { weights: [1], means: [[0.5, -1]], variances: [[1.5, 0.3]] };

const dir = process.argv[2] ?? 'models';
mkdirSync(dir, { recursive: true });
const write = (name: string, bytes: Uint8Array | string) => {
  writeFileSync(join(dir, name), bytes);
  console.log(`wrote ${join(dir, name)}`);
};
write('gmm4-target.json', JSON.stringify({ type: 'gmm', ...ring4 }, null, 1));
write('gaussian2d-target.json', JSON.stringify({ type: 'gaussian', mean: gaussian2d.means[0], variances: gaussian2d.variances[0] }, null, 1));
write('gmm4-exact-score.onnx', gmmScoreGraph(ring4));
for (const [name, target] of [['gmm4-denoiser.onnx', ring4], ['gaussian-denoiser.onnx', gaussian2d]] as const) {
  const t0 = Date.now();
  const layers = trainDenoiser(target, { log: (s, l) => console.log(`${name} step ${s} loss ${l.toFixed(4)}`) });
  write(name, denoiserGraph(layers));
  console.log(`${name}: trained in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
