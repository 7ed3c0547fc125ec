// Learned versus exact score, with no sampling floor.
//   node examples/score-error/run.mjs [MODELS_DIR]     (MODELS_DIR defaults to the package's models/)
// Needs the optional peer dependency: npm install onnxruntime-node --onnxruntime-node-install=skip
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { affineScoreAnalysis, gaussianMoments, gaussianW2, loadOnnxModel, sample, scoreErrorStudy, targetFromJson, targetMoments } from 'diffusion-w2';

const dir = process.argv[2] ?? join(createRequire(import.meta.url).resolve('diffusion-w2/package.json'), '..', 'models');
const read = (f) => targetFromJson(JSON.parse(readFileSync(join(dir, f), 'utf8')));

// 1. A 2-D four-component mixture: paired distance between the learned and the exact sampler.
const mixture = read('gmm4-target.json');
const net = await loadOnnxModel({ model: join(dir, 'gmm4-denoiser.onnx'), parameterization: 'eps', timeInput: 'logsnr' });
const study = await scoreErrorStudy({ target: mixture, model: net, sampler: 'heun', steps: [4, 8, 16, 32, 64], n: 2000, seed: 1 });
console.log(`mixture (heun), two-sample floor of exact-OT W2: ${study.floor.toFixed(4)}`);
console.log('steps  paired RMS [95%]            W2 exact score  W2 learned score');
for (const r of study.rows)
  console.log(`${String(r.steps).padStart(5)}  ${r.coupled.rms.toFixed(4)} [${r.coupled.low.toFixed(4)}, ${r.coupled.high.toFixed(4)}]  ${r.w2Exact.toFixed(4).padStart(14)}  ${r.w2Learned.toFixed(4).padStart(16)}`);

// 2. A 2-D Gaussian: the exact analysis with the network's best affine score, beside its samples.
const gauss = read('gaussian2d-target.json');
const gnet = await loadOnnxModel({ model: join(dir, 'gaussian-denoiser.onnx'), parameterization: 'eps', timeInput: 'logsnr' });
const score = (t, x, m, out) => gnet.score({ name: 'vp' }, t, x, m, out);
const { mean: gaussMean, covariance: cov } = targetMoments(gauss);
for (const steps of [5, 10, 20, 40]) {
  const exactLaw = await affineScoreAnalysis({ target: gauss, score, sampler: 'heun', steps });
  const run = await sample({ model: gnet, sampler: 'heun', steps, n: 50000, seed: 2 });
  const m = gaussianMoments(run.samples);
  const measured = gaussianW2(m.mean, m.cov.data, gaussMean, cov).w2;
  console.log(`gaussian, heun ${String(steps).padStart(2)} steps: W2 with the affine-fit score (exact) ${exactLaw.w2.toFixed(4)}, W2 of the samples' moments ${measured.toFixed(4)}`);
}
await net.release();
await gnet.release();
