/**
 * Exact W2 between uniform clouds: this library's exact solver (solver 'auto', cost
 * construction and certificate included) against scipy's linear_sum_assignment on a
 * cdist('sqeuclidean') matrix and POT's emd2 on ot.dist (both timed inside python, each
 * column skipped when no python3 can import it; DW2_PYTHON picks an interpreter) and
 * against this library's own shortest augmenting path solver, all in the same run:
 * normal clouds in general position, then tied and duplicated data (integer lattices,
 * a grid against its half-step shift, resampled data points), then n = 100 000 quantized
 * points and n = 100 000 normal points in the plane (ours only: a dense matrix would need
 * 80 GB) and n = 20 000, d = 64 without a dense matrix, in child processes so their peak
 * RSS is their own.
 *
 *   npm run bench w2             # everything (several minutes)
 *   npm run bench w2 -- --quick  # n = 1000, 2000 and the small tied cases (or DW2_BENCH_QUICK=1)
 *   npm run bench w2 -- --large-external  # also scipy and POT on n = 20 000, d = 64 (minutes, ~3.2 GB each)
 *
 * The large cases report process CPU seconds next to wall seconds: on a shared machine
 * the CPU time is the figure that carries over.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ndarray, normalsSync, runtimeInfo, setThreads, w2Sync, writeNpy, type NDArray } from '../lib/index.js';

const quick = process.argv.includes('--quick') || process.env.DW2_BENCH_QUICK === '1';
const largeExternal = process.argv.includes('--large-external');

function clouds(n: number, d: number): [NDArray, NDArray] {
  return [normalsSync({ seed: 11, n, d }), normalsSync({ seed: 12, n, d, step: 1 })];
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, (performance.now() - t0) / 1000];
}

interface External {
  w2sq: number;
  seconds: number;
}

// Each script times its own cost matrix and solve for every pair of .npy files.
const scripts = {
  scipy: `
import sys, json, time
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
for pa, pb in zip(sys.argv[1::2], sys.argv[2::2]):
    a = np.load(pa); b = np.load(pb)
    t0 = time.perf_counter()
    C = cdist(a, b, 'sqeuclidean')
    r, c = linear_sum_assignment(C)
    v = float(C[r, c].sum() / len(a))
    print(json.dumps({"w2sq": v, "seconds": time.perf_counter() - t0}), flush=True)
`,
  pot: `
import sys, json, time
import numpy as np
import ot
for pa, pb in zip(sys.argv[1::2], sys.argv[2::2]):
    a = np.load(pa); b = np.load(pb)
    t0 = time.perf_counter()
    M = ot.dist(a, b)
    v = float(ot.emd2([], [], M, numItermax=10**9))
    print(json.dumps({"w2sq": v, "seconds": time.perf_counter() - t0}), flush=True)
`,
};
const modules = { scipy: 'import numpy, scipy.optimize, scipy.spatial', pot: 'import numpy, ot' };
type Tool = keyof typeof scripts;

/** The first python interpreter that can import the tool's modules, or undefined. */
function pythonFor(tool: Tool): string | undefined {
  const candidates = [process.env.DW2_PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string => !!x);
  return candidates.find((py) => spawnSync(py, ['-c', modules[tool]], { encoding: 'utf8' }).status === 0);
}

function externalTimes(tool: Tool, python: string | undefined, files: [string, string][]): (External | undefined)[] {
  if (!python || files.length === 0) return files.map(() => undefined);
  const r = spawnSync(python, ['-c', scripts[tool], ...files.flat()], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${tool} (${python}) failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as External);
}

function fmt(x: number, digits = 3): string {
  return x.toFixed(digits).padStart(8);
}

/** A small seeded uniform generator (mulberry32) for the integer test data. */
function uniform(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), t | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded uniform points in {0..side-1}^d (duplicates when side^d is small against n). */
function integerCloud(seed: number, n: number, d: number, side: number): NDArray {
  const r = uniform(seed);
  return ndarray(Float64Array.from({ length: n * d }, () => Math.floor(side * r())), [n, d]);
}
function shiftedGrid(side: number, offset: number): NDArray {
  return ndarray(Float64Array.from({ length: 2 * side * side }, (_, k) => (k % 2 ? Math.floor(k / 2 / side) : ((k / 2) % side) + offset)), [side * side, 2]);
}
/** n draws with replacement from the points of `pool` (like samples of an empirical target at t = 0). */
function resampled(seed: number, pool: NDArray, n: number): NDArray {
  const [m, d] = [pool.shape[0]!, pool.shape[1]!];
  const r = uniform(seed);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(m * r());
    out.set(pool.data.subarray(k * d, (k + 1) * d), i * d);
  }
  return ndarray(out, [n, d]);
}

interface Case {
  name: string;
  a: NDArray;
  b: NDArray;
  withShortestPath: boolean;
}

function normalCases(): Case[] {
  const sizes = quick ? [1000, 2000] : [1000, 2000, 4000, 8000];
  return [2, 64].flatMap((d) =>
    sizes.map((n) => {
      const [a, b] = clouds(n, d);
      // The reference solver is O(n^3)-ish: run it up to n = 4000.
      return { name: `normal n=${n} d=${d}`, a, b, withShortestPath: n <= 4000 };
    }),
  );
}

function tiedCases(): Case[] {
  const pool = normalsSync({ seed: 5, n: 500, d: 16 });
  const cases: Case[] = [
    { name: 'lattice {0..3}^3 n=1500', a: integerCloud(21, 1500, 3, 4), b: integerCloud(22, 1500, 3, 4), withShortestPath: true },
    { name: 'grid {0..19}^2 n=4000', a: integerCloud(23, 4000, 2, 20), b: integerCloud(24, 4000, 2, 20), withShortestPath: true },
    { name: 'grid 64^2 vs +0.5 shift', a: shiftedGrid(64, 0), b: shiftedGrid(64, 0.5), withShortestPath: true },
    { name: 'resampled 500 pts d=16 n=4000', a: resampled(25, pool, 4000), b: resampled(26, pool, 4000), withShortestPath: true },
  ];
  if (!quick) cases.push({ name: 'integers {0..999}^2 n=4000', a: integerCloud(27, 4000, 2, 1000), b: integerCloud(28, 4000, 2, 1000), withShortestPath: false });
  return cases;
}

interface Row {
  c: Case;
  ours: number;
  w2sq: number;
  solver: string;
  certified: boolean;
  sp?: number;
  spW2sq?: number;
  file: [string, string];
}

function runOurs(c: Case, dir: string, k: number): Row {
  const file: [string, string] = [join(dir, `a-${k}.npy`), join(dir, `b-${k}.npy`)];
  writeNpy(file[0], c.a);
  writeNpy(file[1], c.b);
  w2Sync(c.a, c.b); // warm-up (page faults of the first dense matrix of this size)
  const [r, t] = timed(() => w2Sync(c.a, c.b));
  const row: Row = { c, ours: t, w2sq: r.w2sq, solver: r.solver, certified: r.certificate!.certified, file };
  if (c.withShortestPath) {
    const [sp, ts] = timed(() => w2Sync(c.a, c.b, { solver: 'shortest-path' }));
    row.sp = ts;
    row.spW2sq = sp.w2sq;
  }
  return row;
}

function printTable(title: string, rows: Row[], scipy: (External | undefined)[], pot: (External | undefined)[]): void {
  console.log(`\n${title} (seconds; ratio = other / ours)`);
  console.log('case                            ours    solver                  own SP  ratio    scipy  ratio      POT  ratio  |Δ| vs scipy');
  rows.forEach((r, k) => {
    const col = (x: number | undefined) => (x === undefined ? '       —       ' : `${fmt(x)} ${fmt(x / r.ours, 1)}×`);
    const s = scipy[k];
    const disagree = r.spW2sq !== undefined && Math.abs(r.spW2sq - r.w2sq) > 1e-12 * r.w2sq;
    console.log(
      `${r.c.name.padEnd(30)} ${fmt(r.ours)}  ${(r.solver + (r.certified ? '' : ' (NOT certified)')).padEnd(22)}` +
        `${col(r.sp)}${col(s?.seconds)}${col(pot[k]?.seconds)}  ${s ? (Math.abs(s.w2sq - r.w2sq) / Math.max(s.w2sq, 1e-300)).toExponential(1) : '—'}` +
        (disagree ? '  (shortest path disagrees!)' : ''),
    );
  });
}

async function largeChild(kind: string): Promise<void> {
  if (kind === 'quantized') {
    // n = 100 000 points with 6-bit coordinates (64^2 values), shifted by 3 levels.
    const n = 100_000;
    const q = (seed: number, shift: number) => {
      const z = normalsSync({ seed, n, d: 2 }).data;
      return ndarray(Float64Array.from(z, (x) => Math.max(0, Math.min(63, Math.floor(32 + 11.5 * x + shift)))), [n, 2]);
    };
    const [a, b] = [q(31, 0), q(32, 3)];
    const [r, s] = timed(() => w2Sync(a, b));
    console.log(JSON.stringify({ n, d: 2, seconds: s, w2sq: r.w2sq, gap: r.gap, certified: r.certificate!.certified, solver: r.solver, maxRssMiB: process.resourceUsage().maxRSS / 1024, stats: r.stats }));
    return;
  }
  if (kind === 'planar') {
    // n = 100 000 normal points in the plane: sparse candidate sets, certified over all 10^10 pairs.
    const [a, b] = clouds(100_000, 2);
    const cpu0 = process.cpuUsage();
    const [r, s] = timed(() => w2Sync(a, b));
    const cpu = process.cpuUsage(cpu0);
    console.log(
      JSON.stringify({
        n: 100_000, d: 2, seconds: s, cpuSeconds: (cpu.user + cpu.system) / 1e6, w2sq: r.w2sq, gap: r.gap, solver: r.solver,
        certified: r.certificate!.certified, maxRssMiB: process.resourceUsage().maxRSS / 1024, stats: r.stats,
      }),
    );
    return;
  }
  const n = 20_000;
  const d = 64;
  const [a, b] = clouds(n, d);
  const cpu0 = process.cpuUsage();
  const [r, s] = timed(() => w2Sync(a, b));
  const cpu = process.cpuUsage(cpu0);
  const usage = process.resourceUsage();
  const files = process.argv[process.argv.indexOf('--large-child') + 2];
  if (files) {
    writeNpy(join(files, 'a-large.npy'), a);
    writeNpy(join(files, 'b-large.npy'), b);
  }
  console.log(
    JSON.stringify({
      n, d, seconds: s, cpuSeconds: (cpu.user + cpu.system) / 1e6, w2sq: r.w2sq, gap: r.gap, solver: r.solver,
      dense: r.stats!.dense, maxRssMiB: usage.maxRSS / 1024, stats: r.stats,
    }),
  );
}

interface ChildResult {
  seconds: number;
  cpuSeconds?: number;
  maxRssMiB: number;
  w2sq: number;
  gap: number;
  solver: string;
  stats: Record<string, number>;
}

function child(kind: string, dir?: string): ChildResult | undefined {
  const args = [fileURLToPath(import.meta.url), '--large-child', kind, ...(dir ? [dir] : [])];
  const c = spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8' });
  if (c.status !== 0) {
    console.log(`${kind} child failed: ${c.stderr}`);
    return undefined;
  }
  return JSON.parse(c.stdout.trim().split('\n').at(-1)!);
}

export async function main(): Promise<void> {
  const info = runtimeInfo();
  console.log(`SIMD ${info.simd}, ${info.threads} threads; ${quick ? 'quick sizes' : 'full sizes'}`);
  const py = { scipy: pythonFor('scipy'), pot: pythonFor('pot') };
  if (!py.scipy) console.log('no python3 with numpy + scipy: scipy column skipped');
  if (!py.pot) console.log('no python3 with POT (apt-get install python3-pot): POT column skipped');
  const dir = mkdtempSync(join(tmpdir(), 'dw2-bench-w2-'));
  try {
    for (const [title, cases] of [
      ['exact W2, uniform normal clouds, cost construction included', normalCases()],
      ['exact W2 on tied and duplicated data', tiedCases()],
    ] as const) {
      const rows = cases.map((c, k) => runOurs(c, dir, k));
      const files = rows.map((r) => r.file);
      printTable(title, rows, externalTimes('scipy', py.scipy, files), externalTimes('pot', py.pot, files));
    }

    if (!quick) {
      const q = child('quantized');
      if (q)
        console.log(
          `\nn = 100 000, d = 2, 6-bit coordinates (${q.stats.atomsA} and ${q.stats.atomsB} distinct points): ${q.seconds.toFixed(1)} s, ` +
            `peak RSS ${q.maxRssMiB.toFixed(0)} MiB, solver ${q.solver}, certified gap ${q.gap.toExponential(1)} ` +
            `(scipy and POT would need an 80 GB cost matrix)`,
        );
      const pl = child('planar');
      if (pl)
        console.log(
          `n = 100 000, d = 2, normal clouds (general position): ${pl.seconds.toFixed(1)} s wall, ${pl.cpuSeconds!.toFixed(1)} s CPU, ` +
            `peak RSS ${pl.maxRssMiB.toFixed(0)} MiB, solver ${pl.solver}, certified gap ${pl.gap.toExponential(1)}; ` +
            `${pl.stats.candidatePairs} candidate pairs (${pl.stats.addedPairs} added by the certificate), ` +
            `${(pl.stats.pairsEvaluated! / 1e6).toFixed(0)} M of the 10 000 M pairs evaluated by the certificate (scipy and POT would need an 80 GB cost matrix)`,
        );
      // Threads: costs on the fly (the parallel part is the candidate-list rebuilds).
      const [a, b] = clouds(6000, 64);
      setThreads(1);
      const [, t1] = timed(() => w2Sync(a, b, { memoryBudgetBytes: 64e6 }));
      setThreads(0);
      const [, t2] = timed(() => w2Sync(a, b, { memoryBudgetBytes: 64e6 }));
      console.log(`\nn = 6000, d = 64, costs on the fly: 1 thread ${t1.toFixed(2)} s, ${info.hardwareThreads} threads ${t2.toFixed(2)} s (speed-up ${(t1 / t2).toFixed(2)}×)`);

      const r = child('normal', largeExternal ? dir : undefined);
      if (r) {
        console.log(
          `n = 20000, d = 64, no dense matrix (${r.stats.dense ? 'dense!' : 'costs on the fly'}${r.stats.costEstimates ? ', float32 estimates + exact candidates' : ''}): ` +
            `${r.seconds.toFixed(1)} s wall, ${r.cpuSeconds!.toFixed(1)} s CPU, ` +
            `peak RSS ${r.maxRssMiB.toFixed(0)} MiB (a dense float64 matrix alone would be ${((8 * 20000 * 20000) / 2 ** 20).toFixed(0)} MiB); ` +
            `solver ${r.solver}, certified gap ${r.gap.toExponential(1)}; solve ${r.stats.secondsSolve!.toFixed(1)} s + certificate ${r.stats.secondsCertify!.toFixed(1)} s, ` +
            `${(r.stats.listRebuilds! / 20000).toFixed(1)} list rebuilds per row`,
        );
        if (largeExternal) {
          const files: [string, string][] = [[join(dir, 'a-large.npy'), join(dir, 'b-large.npy')]];
          for (const tool of ['scipy', 'pot'] as const) {
            const x = externalTimes(tool, py[tool], files)[0];
            if (x) console.log(`  ${tool}: ${x.seconds.toFixed(1)} s (${(x.seconds / r.seconds).toFixed(1)}× ours), |Δ| ${(Math.abs(x.w2sq - r.w2sq) / x.w2sq).toExponential(1)}`);
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childArg = process.argv.indexOf('--large-child');
if (childArg >= 0) await largeChild(process.argv[childArg + 1] ?? 'normal');
