/**
 * Sampler throughput (particle-steps per second) for every analytic target kind, each against the
 * best vectorized numpy loop we could write for the same mathematics, timed in the same run:
 *   - Gaussian mixture, d = 16, K = 8, diagonal covariances (and the same given as matrices);
 *   - the same means and weights with correlated full covariances;
 *   - an empirical target (ideal denoiser), m = 10 000 points, d = 64.
 * Every figure is the best of N runs (the machine may be shared; best-of is the least disturbed
 * run, on both sides). A GFLOP/s column compares the FP operations counted from the kernels with
 * the machine's peak, derived from the CPU (see machinePeak). Then the whole-process time to the
 * first sample (Node start, addon load, one tiny run), and local linearization's cost per step.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  empiricalTarget,
  gmmTarget,
  ndarray,
  normalsSync,
  runtimeInfo,
  sampleSync,
  setThreads,
  type SamplerName,
  type TargetSpec,
} from '../lib/index.js';
import { benchEmpiricalPoints, benchFullMixture, benchMixture, mixtureComponents } from './mixture-fixture.js';

const K = mixtureComponents;
/**
 * Steps per timed run: particle-steps per second at a realistic step count. A run's fixed cost
 * (prior draw, output allocation, divergence set-up, final checks) is reported on its own
 * (stepParts), so that it neither hides in nor inflates the per-step figure.
 */
const emSteps = 40;
const mixture = benchMixture;
const repeats = Number(process.env.DW2_BENCH_REPEATS ?? 5);

/**
 * Native run on one thread timed by process CPU time: particle-steps per CPU-second, best of
 * `reps`. On a loaded machine this is the robust figure (time slices taken by other processes
 * do not count).
 */
function nativeCpuRate(target: TargetSpec, sampler: SamplerName, n: number, steps: number, reps = repeats, dtype: 'float64' | 'float32' = 'float64'): number {
  let best = Infinity;
  setThreads(1);
  try {
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      sampleSync({ target, sampler, steps, n, seed: r, dtype });
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1e6);
    }
  } finally {
    setThreads(0);
  }
  return (n * steps) / best;
}

/** Native run: particle-steps per second, best of `reps` after `warmups` untimed runs (wall clock, all threads). */
function nativeRate(target: TargetSpec, sampler: SamplerName, n: number, steps: number, reps = repeats, hessian?: 'dense' | 'krylov', warmups = 0): number {
  let best = Infinity;
  for (let r = 0; r < warmups; r++) sampleSync({ target, sampler, steps, n, seed: reps + r, hessian });
  for (let r = 0; r < reps; r++) best = Math.min(best, sampleSync({ target, sampler, steps, n, seed: r, hessian }).seconds);
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

// Vectorized numpy loops: x ← x + h(½βx + βs) + √(βh) z (Euler–Maruyama, vp) and Heun. Where two
// vectorized forms of a score are plausible, both are timed on the first step's input and the
// faster is used for the run (so the baseline is the best of the forms tried).
const numpyScript = `
import json, sys, time
import numpy as np
kind = sys.argv[1]; spec = json.load(sys.stdin); sampler = sys.argv[2]; n = int(sys.argv[3]); steps = int(sys.argv[4]); reps = int(sys.argv[5])
rng = np.random.default_rng(0)
def scales(t):
    B = 0.1 * t + 0.5 * 19.9 * t * t; a = np.exp(-0.5 * B); return a, -np.expm1(-B)
def softmax(logp):
    logp -= logp.max(1, keepdims=True); p = np.exp(logp); p /= p.sum(1, keepdims=True); return p
if kind == 'empirical':
    pts = np.array(spec['points']).reshape(spec['m'], spec['d']); half = 0.5 * np.sum(pts * pts, 1); d = spec['d']
    def score(t, y):
        a, s2 = scales(t)
        p = softmax((a * (y @ pts.T) - (a * a) * half) / s2)   # −|y − a p_k|²/(2σ²) up to a row constant
        return -(y - a * (p @ pts)) / s2
    forms = [score]
else:
    mu = np.array(spec['means']); logw = np.log(np.array(spec['weights'])); d = mu.shape[1]
    if kind == 'diag':
        v = np.array(spec['variances'])
        def score_sum(t, y):
            a, s2 = scales(t); ell = a * a * v + s2
            diff = y[:, None, :] - a * mu[None, :, :]                      # broadcast once
            p = softmax(logw - 0.5 * (np.sum(diff * diff / ell, 2) + np.log(ell).sum(-1)))
            return -np.einsum('nk,nkd->nd', p, diff / ell)
        def score_einsum(t, y):
            a, s2 = scales(t); ell = a * a * v + s2; inv = 1 / ell
            diff = y[:, None, :] - a * mu[None, :, :]
            p = softmax(logw - 0.5 * (np.einsum('nkd,nkd,kd->nk', diff, diff, inv) + np.log(ell).sum(-1)))
            return -np.einsum('nk,nkd,kd->nd', p, diff, inv)
        forms = [score_sum, score_einsum]
    else:
        lam, U = np.linalg.eigh(np.array(spec['covariances']))            # Σ_k = U_k diag(λ_k) U_kᵀ
        def precision(t):
            a, s2 = scales(t); ell = a * a * lam + s2
            return a, np.einsum('kij,kj,klj->kil', U, 1 / ell, U), np.log(ell).sum(-1)
        def score_einsum(t, y):
            a, P, logdet = precision(t)
            diff = y[:, None, :] - a * mu[None, :, :]
            sk = -np.einsum('kij,nkj->nki', P, diff)
            p = softmax(logw - 0.5 * (-np.einsum('nkd,nkd->nk', diff, sk) + logdet))
            return np.einsum('nk,nkd->nd', p, sk)
        def score_matmul(t, y):
            a, P, logdet = precision(t)
            diff = y[:, None, :] - a * mu[None, :, :]
            sk = -np.matmul(diff[:, :, None, :], P[None])[:, :, 0, :]     # P symmetric
            p = softmax(logw - 0.5 * (-np.einsum('nkd,nkd->nk', diff, sk) + logdet))
            return np.einsum('nk,nkd->nd', p, sk)
        forms = [score_einsum, score_matmul]
x0 = rng.standard_normal((n, d))
def timed(f):
    s = time.perf_counter(); f(1.0, x0); return time.perf_counter() - s
score = min(forms, key=lambda f: min(timed(f) for _ in range(2)))
T, tEnd = 1.0, 1e-3
best = float('inf'); best_cpu = float('inf')
for r in range(reps):
    x = x0.copy()
    start = time.perf_counter(); start_cpu = time.process_time()
    for k in range(steps):
        t0 = T + k / steps * (tEnd - T); t1 = T + (k + 1) / steps * (tEnd - T); h = t0 - t1
        b0 = 0.1 + 19.9 * t0; b1 = 0.1 + 19.9 * t1
        s = score(t0, x)
        if sampler == 'euler-maruyama':
            x = x + h * (0.5 * b0 * x + b0 * s) + np.sqrt(b0 * h) * rng.standard_normal(x.shape)
        else:
            d1 = -0.5 * b0 * x - 0.5 * b0 * s; xt = x - h * d1
            d2 = -0.5 * b1 * xt - 0.5 * b1 * score(t1, xt); x = x - 0.5 * h * (d1 + d2)
    best = min(best, time.perf_counter() - start); best_cpu = min(best_cpu, time.process_time() - start_cpu)
print(n * steps / best, n * steps / best_cpu, score.__name__)
`;

let numpyAvailable: boolean | undefined;
interface NumpyRate {
  rate: number; // particle-steps per wall-clock second
  cpuRate: number; // per CPU-second (all of numpy's threads counted)
  form: string;
}
/** numpy particle-steps per second (best of `reps`) and the score form it chose; undefined without numpy. */
function numpyRate(kind: 'diag' | 'full' | 'empirical', spec: unknown, sampler: string, n: number, steps: number, reps = 3): NumpyRate | undefined {
  if (numpyAvailable === undefined) {
    try {
      execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
      numpyAvailable = true;
    } catch {
      numpyAvailable = false;
    }
  }
  if (!numpyAvailable) return undefined;
  // The spec goes through stdin (the empirical points are far larger than one argument may be).
  const out = execFileSync('python3', ['-c', numpyScript, kind, sampler, String(n), String(steps), String(reps)], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }).trim();
  const [rate, cpuRate, form] = out.split(/\s+/);
  return { rate: Number(rate), cpuRate: Number(cpuRate), form: form! };
}

/**
 * FP operations per particle-step, counted from the kernels (native/targets/basis_kernels.cc,
 * mixture_block.cc, random/deterministic_math.h; a multiply and an add count 2, the
 * deterministic exp ≈ 30, one normal ≈ 45 (half of a Box–Muller pair: log ≈ 32, sincos ≈ 48,
 * sqrt and scalings ≈ 10)). Integer work of the Philox generator is not counted.
 */
const flopsNormal = 45;
const flopsExp = 30;
function scoreFlops(kind: 'diag' | 'full' | 'empirical', d: number, m = 0): number {
  // Per component: residuals, the quadratic form and the weighted sum (8 per coordinate for
  // diagonal; 2d² for the precision product plus 5 per coordinate for full), exp and softmax.
  if (kind === 'diag') return K * (8 * d + flopsExp + 4);
  if (kind === 'full') return K * (2 * d * d + 5 * d + flopsExp + 4);
  // Empirical: logits by a product (2md) and 3 per point, exp, normalisation, weighted sum (2md), s.
  return 4 * m * d + m * (3 + flopsExp + 2) + 3 * d;
}
function stepFlops(kind: 'diag' | 'full' | 'empirical', sampler: 'euler-maruyama' | 'heun', d: number, m = 0): number {
  if (sampler === 'euler-maruyama') return scoreFlops(kind, d, m) + flopsNormal * d + 5 * d;
  return 2 * scoreFlops(kind, d, m) + 9 * d;
}

/**
 * Peak float64 GFLOP/s of this machine: cores × clock × FLOPs per cycle, with FLOPs per cycle =
 * SIMD lanes (8 for the AVX-512 path, 4 for AVX2, 2 for the SSE2 baseline) × 2 (a fused
 * multiply-add) × 2 (FMA pipes per core, as on current x86 server cores). The clock is the
 * maximum from cpufreq where the kernel exposes it, else /proc/cpuinfo's current "cpu MHz" (in a
 * VM often the nominal clock; boost clocks are higher, so shares of this peak are upper bounds).
 */
function machinePeak(simd: string): { gflops?: number; how: string } {
  const cores = availableParallelism();
  let ghz: number | undefined;
  let source = '';
  try {
    ghz = Number(readFileSync('/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq', 'utf8')) / 1e6;
    source = 'cpufreq max';
  } catch {
    const m = existsSync('/proc/cpuinfo') ? /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8')) : null;
    if (m) {
      ghz = Number(m[1]) / 1000;
      source = '/proc/cpuinfo cpu MHz';
    }
  }
  const lanes = simd === 'avx512f' ? 8 : simd === 'avx2' ? 4 : 2;
  const perCycle = lanes * 2 * 2;
  if (!ghz) return { how: `clock unknown; ${perCycle} FLOPs/cycle/core` };
  return {
    gflops: cores * ghz * perCycle,
    how: `${cores} cores × ${ghz.toFixed(2)} GHz (${source}) × ${perCycle} FLOPs/cycle (${lanes} lanes × FMA × 2 pipes, ${simd})`,
  };
}

/** Whole-process time to the first sample: Node start, module and addon load, one tiny run (best of `reps`). */
function timeToFirstSample(reps = 3): { wall: number; inside: string; via: string } {
  const dist = existsSync('dist/index.js');
  const entry = dist ? './dist/index.js' : './lib/index.ts';
  const code =
    `const t0 = performance.now(); const m = await import('${entry}'); const t1 = performance.now();` +
    `m.sampleSync({ target: m.gmmTarget({ weights: [0.5, 0.5], means: [[0, 0], [1, 1]], variances: [[1, 1], [1, 1]] }), n: 1, steps: 1 });` +
    `const t2 = performance.now(); console.log((t1 - t0).toFixed(1), (t2 - t1).toFixed(1));`;
  const args = [...(dist ? [] : ['--import', 'tsx']), '--input-type=module', '-e', code];
  let best = Infinity;
  let inside = '';
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const res = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const wall = performance.now() - start;
    if (res.status !== 0) return { wall: NaN, inside: res.stderr.slice(0, 200), via: entry };
    if (wall < best) {
      best = wall;
      const [load, first] = res.stdout.trim().split(/\s+/);
      inside = `module + addon load ${load} ms, first sampleSync ${first} ms`;
    }
  }
  return { wall: best, inside, via: dist ? 'dist/ (compiled)' : 'lib/ through tsx (run npm run build for the compiled figure)' };
}

const fmt = (rate: number) => (rate >= 1e5 ? `${(rate / 1e6).toFixed(2)} M/s` : `${(rate / 1e3).toFixed(2)} k/s`);

/** Ratios against numpy collected for the summary: [label, whole machine, per core]. */
const ratios: [string, number, number][] = [];

/**
 * One line per case: the whole machine (all threads, wall clock) against numpy's wall clock, and
 * one native thread's CPU time against numpy's CPU time ("per core"; robust when other jobs share
 * the machine). numpy runs its elementwise loops on one thread, so the whole-machine ratio also
 * counts the cores native uses and numpy does not.
 */
function report(label: string, wall: number, cpu: number, flops: number, peak: number | undefined, np?: NumpyRate): void {
  const gflops = (wall * flops) / 1e9;
  const cpuGflops = (cpu * flops) / 1e9;
  const perCorePeak = peak ? peak / availableParallelism() : undefined;
  if (np) ratios.push([label, wall / np.rate, cpu / np.cpuRate]);
  console.log(
    `${label.padEnd(40)} whole machine ${fmt(wall).padStart(9)}` +
      (np ? ` vs numpy ${fmt(np.rate)} → ${(wall / np.rate).toFixed(1).padStart(5)}×` : '') +
      ` | per core ${fmt(cpu).padStart(9)} (${(1e9 / cpu).toFixed(0)} ns/particle-step)` +
      (np ? ` vs numpy ${fmt(np.cpuRate)} → ${(cpu / np.cpuRate).toFixed(1).padStart(5)}×` : '') +
      ` | ${gflops.toFixed(1)} GFLOP/s${peak ? ` (${((100 * gflops) / peak).toFixed(1)}% of peak)` : ''}, per core ${cpuGflops.toFixed(1)}` +
      (perCorePeak ? ` (${((100 * cpuGflops) / perCorePeak).toFixed(1)}%)` : '') +
      (np ? ` [numpy: ${np.form}]` : ''),
  );
}

/** The issue's goal (≥ 40× the best vectorized numpy loop), both ways of counting, met or not. */
function summary(): void {
  if (ratios.length === 0) return;
  console.log('\nagainst the best vectorized numpy loop (goal: ≥ 40×)');
  for (const [label, whole, core] of ratios)
    console.log(`${label.padEnd(40)} whole machine ${whole.toFixed(1).padStart(5)}× (${whole >= 40 ? 'met' : 'not met'}), per core ${core.toFixed(1).padStart(5)}× (${core >= 40 ? 'met' : 'not met'})`);
}

/** The parts of a step timed alone (bench/native/kernel-parts.sh), ns per particle; undefined without g++ or the build's objects. */
function kernelParts(d: number): Record<string, number> | undefined {
  if (!existsSync('build/CMakeFiles/diffusion_w2.dir/native')) return undefined;
  try {
    const out = execFileSync('bash', ['bench/native/kernel-parts.sh', String(d)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const parts: Record<string, number> = {};
    for (const line of out.trim().split('\n')) {
      const [name, value] = line.split(/\s+/);
      if (name && value && name !== 'path') parts[name] = Number(value);
    }
    return parts;
  } catch {
    return undefined;
  }
}

/**
 * Where a step's time goes, per core: the normals and the score timed alone (in cache, one
 * thread), the rest (combination, state traffic, divergence check, scheduling) as the measured
 * step minus both, and the best ratio against numpy the normals and the score alone would allow
 * (the rest free; whole machine: perfect scaling over all cores).
 */
function stepParts(d: number, cpuRates: Record<string, number>, numpyRates: Record<string, NumpyRate>, fewStepsCpuRate: number): void {
  // A run's fixed cost a and the cost b of a step, per particle, from per-core times T(N) = a + bN
  // at emSteps and at a quarter of them.
  const few = emSteps / 4;
  const t1 = (few * 1e9) / fewStepsCpuRate, t2 = (emSteps * 1e9) / cpuRates['diag euler-maruyama']!;
  const perRun = (t1 * emSteps - t2 * few) / (emSteps - few), perStep = (t2 - t1) / (emSteps - few);
  console.log(
    `\nper core, diagonal euler-maruyama: ${perStep.toFixed(1)} ns per particle-step once running, plus ${perRun.toFixed(0)} ns per particle per run ` +
      `(prior draw, output allocation, divergence set-up, final checks: ${(perRun / perStep).toFixed(1)} steps' worth)`,
  );
  const parts = kernelParts(d);
  if (!parts) {
    console.log('step parts: skipped (needs g++ and the CPU build\'s objects: npx cmake-js compile)');
    return;
  }
  const cores = availableParallelism();
  const normals = parts['normals']!;
  console.log(`where a step goes, one core, d = ${d}, K = ${K} (parts timed alone, in cache; ns per particle-step):`);
  console.log(`normals ${normals.toFixed(1)} (Philox words ${parts['philox']!.toFixed(1)}, Box–Muller and transposes ${(normals - parts['philox']!).toFixed(1)})`);
  for (const kind of ['diag', 'full'] as const) {
    const score = parts[kind === 'diag' ? 'score-diagonal' : 'score-full']!;
    const em = 1e9 / cpuRates[`${kind} euler-maruyama`]!;
    const np = numpyRates[`${kind} euler-maruyama`];
    const name = kind === 'diag' ? 'diagonal' : 'full covariance';
    let line = `${name.padEnd(16)} euler-maruyama step ${em.toFixed(1)} = score ${score.toFixed(1)} + normals ${normals.toFixed(1)} + rest ${(em - score - normals).toFixed(1)}`;
    if (np) {
      const npNs = 1e9 / np.cpuRate;
      const ceiling = npNs / (score + normals);
      line +=
        `; numpy ${npNs.toFixed(0)} ns → score + normals alone would allow ${ceiling.toFixed(1)}× per core, ` +
        `${(ceiling * cores).toFixed(1)}× on ${cores} cores (40× on ${cores} cores needs ≤ ${((npNs * cores) / 40).toFixed(1)} ns per particle-step per core)`;
    }
    console.log(line);
  }
}

export async function main(): Promise<void> {
  const info = runtimeInfo();
  const peak = machinePeak(info.simd);
  console.log(`threads ${info.threads}, SIMD ${info.simd}; peak ≈ ${peak.gflops?.toFixed(0) ?? '?'} GFLOP/s float64 = ${peak.how}`);
  console.log(`every figure: best of ${repeats} native runs and 3 numpy runs (set DW2_BENCH_REPEATS); ratios measured in this run;`);
  console.log('"whole machine": all native threads, wall clock, against numpy\'s wall clock; "per core": one native thread against numpy, both by process CPU time (robust on a shared machine)');

  if (numpyRate('diag', mixture(2), 'euler-maruyama', 10, 1, 1) === undefined) console.log('numpy: python3 with numpy not found, numpy columns skipped');
  const first = timeToFirstSample();
  console.log(`time to first sample (whole process, ${first.via}): ${first.wall.toFixed(0)} ms (${first.inside})`);

  const d = 16;
  const n = 100_000;
  const diagSpec = mixture(d);
  const fullSpec = benchFullMixture(d);
  const diag = gmmTarget(diagSpec);
  const full = gmmTarget(fullSpec);
  const diagAsMatrices = gmmTarget({
    weights: diagSpec.weights,
    means: diagSpec.means,
    covariances: diagSpec.variances.map((v) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)))),
  });
  console.log(`\nGaussian mixture d = ${d}, K = ${K}, n = ${n}, vp, uniform grid, ${emSteps} Euler–Maruyama steps (Heun: ${emSteps / 2}, the same NFE)`);
  const rates: Record<string, number> = {};
  const cpuRates: Record<string, number> = {};
  const numpyRates: Record<string, NumpyRate> = {};
  for (const sampler of ['euler-maruyama', 'heun'] as const) {
    const steps = sampler === 'heun' ? emSteps / 2 : emSteps;
    for (const [kind, target, spec] of [
      ['diag', diag, diagSpec],
      ['full', full, fullSpec],
    ] as const) {
      const key = `${kind} ${sampler}`;
      rates[key] = nativeRate(target, sampler, n, steps);
      cpuRates[key] = nativeCpuRate(target, sampler, n, steps);
      const label = `${kind === 'diag' ? 'diagonal' : 'full covariance'}, ${sampler}`;
      const np = numpyRate(kind, spec, sampler, n, 4);
      if (np) numpyRates[key] = np;
      report(label, rates[key]!, cpuRates[key]!, stepFlops(kind, sampler, d), peak.gflops, np);
    }
  }
  report('diagonal given as matrices, euler-maruyama', nativeRate(diagAsMatrices, 'euler-maruyama', n, emSteps), nativeCpuRate(diagAsMatrices, 'euler-maruyama', n, emSteps), stepFlops('diag', 'euler-maruyama', d), peak.gflops);
  // float32 storage: the same float64 kernels, half the state traffic.
  const f32 = (t: TargetSpec) => nativeCpuRate(t, 'euler-maruyama', n, emSteps, repeats, 'float32');
  console.log(`float32, euler-maruyama per core: diagonal ${fmt(f32(diag))}, full covariance ${fmt(f32(full))}`);
  for (const [name, r] of [
    ['whole machine', rates],
    ['per core', cpuRates],
  ] as const)
    console.log(
      `full / diagonal time per step (${name}): euler-maruyama ${(r['diag euler-maruyama']! / r['full euler-maruyama']!).toFixed(2)}×, ` +
        `heun ${(r['diag heun']! / r['full heun']!).toFixed(2)}×`,
    );
  const ts = typescriptRate(diagSpec, 'euler-maruyama', 20_000, 2);
  console.log(`diagonal euler-maruyama per core ${fmt(cpuRates['diag euler-maruyama']!)}; plain TypeScript loop ${fmt(ts)} → ${(cpuRates['diag euler-maruyama']! / ts).toFixed(1)}×`);

  // Where the time goes: the normals alone (one thread, CPU time, best of N) and their share of
  // a diagonal Euler–Maruyama step on one core.
  let noiseCpu = Infinity;
  setThreads(1);
  try {
    for (let r = 0; r < repeats; r++) {
      const c0 = process.cpuUsage();
      normalsSync({ seed: r, n, d });
      const c = process.cpuUsage(c0);
      noiseCpu = Math.min(noiseCpu, (c.user + c.system) / 1e6);
    }
  } finally {
    setThreads(0);
  }
  const normalsPerSec = (n * d) / noiseCpu;
  // The plain reference: the same Box–Muller in plain JS with Math.random (one thread).
  const js = new Float64Array(n * d);
  const j0 = performance.now();
  for (let i = 0; i + 1 < js.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const angle = 2 * Math.PI * Math.random();
    js[i] = radius * Math.cos(angle);
    js[i + 1] = radius * Math.sin(angle);
  }
  const jsRate = js.length / ((performance.now() - j0) / 1000);
  console.log(
    `normals per core: ${(normalsPerSec / 1e6).toFixed(0)} M/s (${((normalsPerSec * flopsNormal) / 1e9).toFixed(1)} GFLOP/s; plain JS Box–Muller ${(jsRate / 1e6).toFixed(0)} M/s → ${(normalsPerSec / jsRate).toFixed(1)}×), ` +
      `${((100 * (noiseCpu / n)) * cpuRates['diag euler-maruyama']!).toFixed(0)}% of a diagonal euler-maruyama step`,
  );

  stepParts(d, cpuRates, numpyRates, nativeCpuRate(diag, 'euler-maruyama', n, emSteps / 4));

  const m = 10_000;
  const de = 64;
  const ne = 2_000;
  const points = benchEmpiricalPoints(m, de);
  const empirical = empiricalTarget(ndarray(points, [m, de]));
  console.log(`\nempirical target (ideal denoiser), m = ${m}, d = ${de}, n = ${ne}, vp`);
  const empiricalSpec = { m, d: de, points: Array.from(points) };
  const empiricalReps = Math.min(repeats, 3);
  report(
    'empirical, euler-maruyama',
    nativeRate(empirical, 'euler-maruyama', ne, 3, empiricalReps),
    nativeCpuRate(empirical, 'euler-maruyama', ne, 2, empiricalReps),
    stepFlops('empirical', 'euler-maruyama', de, m),
    peak.gflops,
    numpyRate('empirical', empiricalSpec, 'euler-maruyama', ne, 2, 2),
  );

  // The k-diffusion samplers: one evaluation per step like euler, plus the history a particle
  // carries (dpmpp-2m: one x̂₀; unipc: the corrected state and three x̂₀; lms: three ε̂).
  console.log('\nsamplers with a history: cost per step relative to euler (same NFE per step)');
  const euler = nativeRate(diag, 'euler', n, 10);
  for (const sampler of ['dpmpp-2m', 'dpmpp-2m-sde', 'unipc', 'lms', 'euler-ancestral'] as const) {
    const r = nativeRate(diag, sampler, n, 10);
    console.log(`${sampler.padEnd(16)} ${(euler / r).toFixed(2)}× euler per step (${(r / 1e6).toFixed(2)} M particle-steps/s)`);
  }

  summary();

  // Two untimed runs per cell first: a configuration's first runs pay page faults and heap growth
  // (bench/local-linearization.ts, which measures the same cells on one thread by CPU time).
  console.log('\nlocal linearization: cost per step relative to euler-maruyama (same target family, K = 8)');
  for (const dd of [2, 16, 64]) {
    const t = gmmTarget(mixture(dd));
    const nn = dd === 2 ? 20_000 : dd === 16 ? 4_000 : 500;
    const em = nativeRate(t, 'euler-maruyama', nn, 5, 3, undefined, 2);
    const dense = nativeRate(t, 'local-linearization', nn, 5, 3, 'dense', 2);
    const krylov = nativeRate(t, 'local-linearization', nn, 5, 3, 'krylov', 2);
    console.log(`d = ${String(dd).padStart(2)}: dense ${(em / dense).toFixed(1)}× EM per step, krylov ${(em / krylov).toFixed(1)}× (EM ${(em / 1e6).toFixed(2)} M particle-steps/s)`);
  }
}
