/**
 * Sampler throughput (particle-steps per second) on a Gaussian mixture, d = 16, K = 8 diagonal
 * components, n = 100 000: native euler-maruyama and heun against a plain TypeScript loop and a
 * vectorized numpy float64 loop (timed inside python), all measured in this run. Then the cost
 * per step of local linearization relative to Euler–Maruyama at d = 2, 16, 64.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gmmTarget, normalsSync, runtimeInfo, sampleSync, setThreads, type SamplerName } from '../lib/index.js';
import { benchMixture, mixtureComponents } from './mixture-fixture.js';

const K = mixtureComponents;
const mixture = benchMixture;


/** Native run: seconds per particle-step (median of `repeats`). */
function nativeRate(target: ReturnType<typeof gmmTarget>, sampler: SamplerName, n: number, steps: number, repeats = 3, hessian?: 'dense' | 'krylov'): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) times.push(sampleSync({ target, sampler, steps, n, seed: r, hessian }).seconds);
  times.sort((a, b) => a - b);
  return (n * steps) / times[Math.floor(repeats / 2)]!;
}

/**
 * Native run on one thread, timed by process CPU time (robust on shared machines): particle-steps
 * per CPU-second (best of `repeats`), i.e. the throughput of one core.
 */
function nativeRatePerCore(target: ReturnType<typeof gmmTarget>, sampler: SamplerName, n: number, steps: number, repeats = 3): number {
  let best = Infinity;
  setThreads(1);
  try {
    for (let r = 0; r < repeats; r++) {
      const c0 = process.cpuUsage();
      sampleSync({ target, sampler, steps, n, seed: r });
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1e6);
    }
  } finally {
    setThreads(0);
  }
  return (n * steps) / best;
}

/** The same Euler–Maruyama / Heun loop in plain TypeScript (vp, uniform grid, diagonal GMM score). */
function typescriptRate(spec: ReturnType<typeof mixture>, sampler: 'euler-maruyama' | 'heun', n: number, steps: number): number {
  const d = spec.means[0]!.length;
  const mu = Float64Array.from(spec.means.flat());
  const v = Float64Array.from(spec.variances.flat());
  const logw = spec.weights.map(Math.log);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  const s = new Float64Array(d);
  const s2 = new Float64Array(d);
  const xt = new Float64Array(d);
  const logp = new Float64Array(K);
  const comp = new Float64Array(K * d);
  const score = (t: number, y: Float64Array | Float64Array, off: number, out: Float64Array) => {
    const B = 0.1 * t + 0.5 * 19.9 * t * t;
    const a = Math.exp(-0.5 * B);
    const s2t = -Math.expm1(-B);
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let q = 0;
      let ld = 0;
      for (let j = 0; j < d; j++) {
        const ell = a * a * v[k * d + j]! + s2t;
        const r = y[off + j]! - a * mu[k * d + j]!;
        q += (r * r) / ell;
        ld += Math.log(ell);
        comp[k * d + j] = -r / ell;
      }
      logp[k] = logw[k]! - 0.5 * (q + ld);
      if (logp[k]! > mx) mx = logp[k]!;
    }
    let z = 0;
    for (let k = 0; k < K; k++) z += logp[k] = Math.exp(logp[k]! - mx);
    out.fill(0);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) out[j] += (logp[k]! / z) * comp[k * d + j]!;
  };
  const T = 1;
  const tEnd = 1e-3;
  const start = performance.now();
  for (let k = 0; k < steps; k++) {
    const t0 = T + (k / steps) * (tEnd - T);
    const t1 = T + ((k + 1) / steps) * (tEnd - T);
    const h = t0 - t1;
    const beta0 = 0.1 + 19.9 * t0;
    const beta1 = 0.1 + 19.9 * t1;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      score(t0, x, off, s);
      if (sampler === 'euler-maruyama') {
        for (let j = 0; j < d; j += 2) {
          const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
          const th = 2 * Math.PI * Math.random();
          x[off + j] = x[off + j]! + h * (0.5 * beta0 * x[off + j]! + beta0 * s[j]!) + Math.sqrt(beta0 * h) * r * Math.cos(th);
          if (j + 1 < d) x[off + j + 1] = x[off + j + 1]! + h * (0.5 * beta0 * x[off + j + 1]! + beta0 * s[j + 1]!) + Math.sqrt(beta0 * h) * r * Math.sin(th);
        }
      } else {
        for (let j = 0; j < d; j++) xt[j] = x[off + j]! + h * (0.5 * beta0 * x[off + j]! + 0.5 * beta0 * s[j]!);
        score(t1, xt, 0, s2);
        for (let j = 0; j < d; j++)
          x[off + j] = x[off + j]! + 0.5 * h * (0.5 * beta0 * x[off + j]! + 0.5 * beta0 * s[j]! + 0.5 * beta1 * xt[j]! + 0.5 * beta1 * s2[j]!);
      }
    }
  }
  return (n * steps) / ((performance.now() - start) / 1000);
}

const numpyScript = `
import json, sys, time
import numpy as np
spec = json.loads(sys.argv[1]); sampler = sys.argv[2]; n = int(sys.argv[3]); steps = int(sys.argv[4])
mu = np.array(spec['means']); v = np.array(spec['variances']); logw = np.log(np.array(spec['weights']))
rng = np.random.default_rng(0)
x = rng.standard_normal((n, mu.shape[1]))
def score(t, y):
    B = 0.1 * t + 0.5 * 19.9 * t * t; a = np.exp(-0.5 * B); s2 = -np.expm1(-B)
    ell = a * a * v + s2                                  # K × d
    r = y[:, None, :] - a * mu[None, :, :]                # n × K × d
    logp = logw - 0.5 * ((r * r / ell).sum(-1) + np.log(ell).sum(-1))
    logp -= logp.max(1, keepdims=True); p = np.exp(logp); p /= p.sum(1, keepdims=True)
    return -(p[:, :, None] * r / ell).sum(1)
T, tEnd = 1.0, 1e-3
start = time.perf_counter()
for k in range(steps):
    t0 = T + k / steps * (tEnd - T); t1 = T + (k + 1) / steps * (tEnd - T); h = t0 - t1
    b0 = 0.1 + 19.9 * t0; b1 = 0.1 + 19.9 * t1
    s = score(t0, x)
    if sampler == 'euler-maruyama':
        x = x + h * (0.5 * b0 * x + b0 * s) + np.sqrt(b0 * h) * rng.standard_normal(x.shape)
    else:
        d1 = -0.5 * b0 * x - 0.5 * b0 * s; xt = x - h * d1
        d2 = -0.5 * b1 * xt - 0.5 * b1 * score(t1, xt); x = x - 0.5 * h * (d1 + d2)
print(n * steps / (time.perf_counter() - start))
`;

function numpyRate(spec: ReturnType<typeof mixture>, sampler: string, n: number, steps: number): number | undefined {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return Number(execFileSync('python3', ['-c', numpyScript, JSON.stringify(spec), sampler, String(n), String(steps)], { encoding: 'utf8' }).trim());
}

/** Flops per particle-step of the native kernel (counted from the code, FP operations only). */
function flopsPerParticleStep(sampler: 'euler-maruyama' | 'heun', d: number): number {
  // Mixture score (diagonal): per component and coordinate: residual 2, ℓ 2, quadratic 3, log 1
  // (counted as one op), component score 2 → 10; per component: log-sum-exp ~4; combination 2 per
  // coordinate and component; plus the final centring. ≈ K(12d + 4) + d.
  const score = K * (12 * d + 4) + d;
  // Each normal: Box–Muller share (log, sqrt, sin/cos ≈ 40 FP ops per pair) ≈ 20 per coordinate.
  const noise = 20 * d;
  if (sampler === 'euler-maruyama') return score + noise + 5 * d;
  return 2 * score + 9 * d;
}

function clockGHz(): number | undefined {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? Number(m[1]) / 1000 : undefined;
  } catch {
    return undefined;
  }
}

export async function main(): Promise<void> {
  const info = runtimeInfo();
  const d = 16;
  const n = 100_000;
  const spec = mixture(d);
  const target = gmmTarget(spec);
  const ghz = clockGHz();
  const peak = ghz ? info.threads * 32 * ghz : undefined; // AVX-512: 2 FMA units × 8 doubles × 2 flops
  console.log(`threads ${info.threads}, SIMD ${info.simd}, clock ${ghz?.toFixed(2) ?? '?'} GHz, peak ≈ ${peak?.toFixed(0) ?? '?'} GFLOP/s (float64)`);
  console.log(`Gaussian mixture d = ${d}, K = ${K} diagonal, n = ${n}, vp, uniform grid`);
  for (const sampler of ['euler-maruyama', 'heun'] as const) {
    const native = nativeRate(target, sampler, n, 10);
    const perCore = nativeRatePerCore(target, sampler, n, 10);
    const ts = typescriptRate(spec, sampler, 20_000, 2);
    const np = numpyRate(spec, sampler, n, 5);
    const gflops = (native * flopsPerParticleStep(sampler, d)) / 1e9;
    console.log(
      `${sampler.padEnd(16)} native ${(native / 1e6).toFixed(2)} M/s | TypeScript ${(ts / 1e6).toFixed(3)} M/s (native ${(native / ts).toFixed(1)}×) | ` +
        (np ? `numpy ${(np / 1e6).toFixed(3)} M/s (native ${(native / np).toFixed(1)}×)` : 'numpy: python3 with numpy not found, skipped') +
        ` | ≈ ${gflops.toFixed(2)} GFLOP/s${peak ? ` (${((100 * gflops) / peak).toFixed(1)}% of peak)` : ''}`,
    );
    // One core (CPU time, 1 thread) against the single-threaded baselines.
    console.log(
      `${''.padEnd(16)} native per core ${(perCore / 1e6).toFixed(2)} M/s (1 thread, CPU time): ${(perCore / ts).toFixed(1)}× TypeScript` +
        (np ? `, ${(perCore / np).toFixed(1)}× numpy` : ''),
    );
  }
  // Where the time goes: the noise alone, and a one-evaluation step without noise (euler).
  const t0 = performance.now();
  normalsSync({ seed: 1, n, d });
  const noise = n / ((performance.now() - t0) / 1000);
  const euler = nativeRate(target, 'euler', n, 10);
  console.log(`breakdown: normals alone ${(noise / 1e6).toFixed(2)} M rows/s; euler (one score, no noise) ${(euler / 1e6).toFixed(2)} M particle-steps/s`);

  // The k-diffusion samplers: one evaluation per step like euler, plus the history a particle
  // carries (dpmpp-2m: one x̂₀; unipc: the corrected state and three x̂₀; lms: three ε̂).
  console.log('\nsamplers with a history: cost per step relative to euler (same NFE per step)');
  for (const sampler of ['dpmpp-2m', 'dpmpp-2m-sde', 'unipc', 'lms', 'euler-ancestral'] as const) {
    const r = nativeRate(target, sampler, n, 10);
    console.log(`${sampler.padEnd(16)} ${(euler / r).toFixed(2)}× euler per step (${(r / 1e6).toFixed(2)} M particle-steps/s)`);
  }

  console.log('\nlocal linearization: cost per step relative to euler-maruyama (same target family, K = 8)');
  for (const dd of [2, 16, 64]) {
    const t = gmmTarget(mixture(dd));
    const nn = dd === 2 ? 20_000 : dd === 16 ? 4_000 : 500;
    const em = nativeRate(t, 'euler-maruyama', nn, 5);
    const dense = nativeRate(t, 'local-linearization', nn, 5, 3, 'dense');
    const krylov = nativeRate(t, 'local-linearization', nn, 5, 3, 'krylov');
    console.log(`d = ${String(dd).padStart(2)}: dense ${(em / dense).toFixed(1)}× EM per step, krylov ${(em / krylov).toFixed(1)}× (EM ${(em / 1e6).toFixed(2)} M particle-steps/s)`);
  }
}
