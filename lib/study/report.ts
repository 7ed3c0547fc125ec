/** Study output: aligned text tables, a CSV (one row per sampler, steps, seed) and SVG plots. */
import { join } from 'node:path';
import type { NDArray } from '../ndarray.js';
import type { TargetSpec } from '../targets.js';
import { writeFileAtomic } from './files.js';
import { convergenceSpec, decompositionSpec, renderSvg, scatterSpec, type ConvergencePoint } from './plots.js';
import type { GaussianStudyRow, StudyOrder, StudyResults, StudyTheory } from './run.js';

const fmt = (x: number | undefined, digits = 4) => (x === undefined || !Number.isFinite(x) ? '—' : x === 0 ? '0' : x.toExponential(digits - 1));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function ordersTable(orders: StudyOrder[]): string {
  return table(
    ['sampler', 'fitted on', 'order vs NFE', '95% interval', 'order vs h', 'theory'],
    orders.map((o) => [
      o.label,
      o.metric,
      o.vsNfe ? o.vsNfe.order.toFixed(2) : '—',
      o.vsNfe?.interval ? `[${o.vsNfe.interval[0].toFixed(2)}, ${o.vsNfe.interval[1].toFixed(2)}]` : o.note ?? '—',
      o.vsStepSize ? o.vsStepSize.order.toFixed(2) : '—',
      String(o.theoreticalOrder),
    ]),
  );
}

function theoryText(t: StudyTheory): string {
  const m = t.target;
  const lines = [
    `theory: bounds of the form of ${t.reference}`,
    `  target: m0 = ${fmt(m.m0)}, L0 = ${fmt(m.L0)}, d = ${m.d}, E|X0|² = ${fmt(m.secondMoment)}, W2(p0, N(0, I)) = ${fmt(m.w2ToNormal)}`,
    `  time: ${t.timeChange}`,
    `  bound = init + truncation + C1·rate; init = K·e^(−S)·W2(p0, N(0, I)) = ${fmt(t.initTerm)} (K = ${fmt(t.contraction)}), truncation = W2(p_δ, p0) = ${fmt(t.truncationTerm)}`,
    '  without theory.C1 the bounds use the paper\'s constants (Thms 1, 3, 4) with the "≲" constant taken as 1:',
    '    e^(−m_min·T′)·√E|X0|² + W2(p_δ, p0) + C1·rate, m_min = min(1, m0), L_max = 1 + L0, time t′ = βt (needs m0 > 1/2);',
    '  with theory.C1 the bound is init + truncation + C1·rate above (rate in standard OU time);',
    '  "required C1" is the smallest C1 (standard-time rate) for which that bound covers every measured total.',
  ];
  const rows = t.samplers.map((x) => {
    const a = x.assumptions;
    const failed = a.filter((y) => !y.assumptions.holds).map((y) => y.steps);
    const unchecked = a.some((y) => y.assumptions.stepSize === null);
    return [
      x.label,
      x.theorem.scheme,
      x.theorem.rateFormula,
      x.C1 !== undefined ? `${fmt(x.C1)} (user)` : x.paperC1 !== undefined ? `${fmt(x.paperC1)} (paper, ≲ as 1)` : '—',
      fmt(x.requiredC1),
      x.hTimesDriftLipschitz.toPrecision(3),
      failed.length > 0 ? `fail at steps ${failed.join(', ')}` : unchecked ? 'hold (step size unchecked)' : 'hold',
    ];
  });
  return [...lines, table(['sampler', 'scheme', 'discretization term', 'C1', 'required C1', 'ĥ·Lip (largest step)', 'assumptions'], rows)].join('\n');
}

/** The study's tables as text (what `dw2 study` and `dw2 demo` print). */
export function formatStudy(results: StudyResults): string {
  const out: string[] = [`${results.name}: ${results.kind === 'gaussian' ? 'Gaussian target, exact W2' : 'exact-OT W2 between samples'} (d = ${results.d}, process ${results.process.name})`];
  const g = results.rows.filter((r): r is GaussianStudyRow => r.kind === 'gaussian');
  // With theory: the bound (or its determined part, "≥ …", when no C1 was given) beside `total`.
  const withTheory = g.some((r) => r.theoryFixed !== undefined);
  if (g.length > 0)
    out.push(
      table(
        ['sampler', 'steps', 'NFE', 'truncation', 'continuous', 'discrete', 'total', ...(withTheory ? ['bound', 'bound/total'] : []), 'discretization'],
        g.map((r) => [
          r.label + (r.momentMatched ? ' (moment-matched)' : ''),
          String(r.steps),
          String(r.nfe),
          fmt(r.truncation),
          fmt(r.continuous),
          fmt(r.discrete),
          fmt(r.total),
          ...(withTheory
            ? r.theoryBound !== undefined
              ? [fmt(r.theoryBound), (r.theoryBound / r.total).toPrecision(3)]
              : r.theoryFixed !== undefined
                ? [`≥ ${fmt(r.theoryFixed)}`, '—']
                : ['—', '—']
            : []),
          fmt(r.discretization),
        ]),
      ),
    );
  if (results.theory) out.push(theoryText(results.theory));
  if (results.summary.length > 0) {
    const f = results.floor;
    const coupled = results.summary.some((r) => r.coupled !== undefined);
    const diverged = results.summary.some((r) => r.diverged > 0);
    out.push(
      table(
        ['sampler', 'steps', 'NFE', 'W2 mean', '± s.e.', 'debiased', 'vs floor', ...(coupled ? ['coupled RMS', '95 % interval'] : [])],
        results.summary.map((r) => [
          r.label,
          String(r.steps),
          String(r.nfe),
          fmt(r.mean),
          fmt(r.stderr, 2),
          fmt(r.debiased),
          r.diverged ? `diverged (${r.diverged}/${r.runs} runs)` : r.belowFloor ? 'at floor' : '',
          ...(coupled ? [r.coupled !== undefined ? fmt(r.coupled) : '—', r.coupledInterval ? `[${fmt(r.coupledInterval[0], 3)}, ${fmt(r.coupledInterval[1], 3)}]` : '—'] : []),
        ]),
      ),
    );
    if (f) out.push(`statistical floor (W2 between two exact sample sets, n = ${f.n}): ${fmt(f.mean)} ± ${fmt(f.stderr, 2)}`);
    for (const family of ['ode', 'sde'] as const) {
      const refs = (results.references ?? []).filter((r) => r.family === family);
      if (refs.length === 0) continue;
      const w = refs.reduce((a, r) => a + r.w2, 0) / refs.length;
      out.push(
        `coupled reference for ${family === 'ode' ? 'ODE' : 'SDE'} samplers: ${refs[0]!.sampler} at ${refs[0]!.steps} steps (same x_T and Brownian path); its own W2 to the target samples: ${fmt(w)} (mean of ${refs.length} seeds; the floor is ${f ? fmt(f.mean) : '—'})`,
      );
    }
  }
  if (results.orders.length > 0) out.push(ordersTable(results.orders));
  return out.join('\n\n');
}

const csvColumns = ['kind', 'label', 'sampler', 'steps', 'seed', 'nfe', 'seconds', 'w2', 'w2sq', 'gap', 'coupled', 'diverged', 'truncation', 'continuous', 'discrete', 'total', 'discretization', 'momentMatched', 'theoryBound'] as const;

/** One line per (sampler, steps, seed); Gaussian rows have no seed and w2 = total. */
export function studyCsv(results: StudyResults): string {
  const lines = [csvColumns.join(',')];
  for (const r of results.rows) {
    const rec: Record<string, unknown> = { ...r };
    if (r.kind === 'gaussian') rec.w2 = r.total;
    lines.push(csvColumns.map((c) => (rec[c] === undefined ? '' : String(rec[c]))).join(','));
  }
  return lines.join('\n') + '\n';
}

function convergencePoints(results: StudyResults): ConvergencePoint[] {
  const g = results.rows.filter((r): r is GaussianStudyRow => r.kind === 'gaussian' && !r.momentMatched);
  if (g.length > 0) return g.map((r) => ({ sampler: r.label, nfe: r.nfe, w2: r.discretization }));
  return results.summary.filter((r) => !r.diverged).map((r) => ({ sampler: r.label, nfe: r.nfe, w2: r.mean, stderr: r.stderr }));
}

/** Coupled studies: the pooled coupled RMS per (sampler, steps), diverged cells left out. */
function coupledPoints(results: StudyResults): ConvergencePoint[] {
  return results.summary.filter((r) => !r.diverged && r.coupled !== undefined && Number.isFinite(r.coupled)).map((r) => ({ sampler: r.label, nfe: r.nfe, w2: r.coupled! }));
}

/** log p₀ of a mixture (or Gaussian) target on a grid around its means, for the scatter plot. */
function densityGrid(target: TargetSpec, samples: NDArray, cells = 48) {
  const xs = Array.from(samples.data.filter((_, i) => i % 2 === 0));
  const ys = Array.from(samples.data.filter((_, i) => i % 2 === 1));
  const q = (a: number[], p: number) => a.sort((u, v) => u - v)[Math.floor(p * (a.length - 1))]!;
  const [x0, x1, y0, y1] = [q([...xs], 0.002), q([...xs], 0.998), q([...ys], 0.002), q([...ys], 0.998)];
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0);
  const lo = [x0 - pad, y0 - pad];
  const w = (x1 - x0 + 2 * pad) / cells;
  const h = (y1 - y0 + 2 * pad) / cells;
  const comps: { w: number; m: [number, number]; c: [number, number, number] }[] = [];
  if (target.type === 'gmm') {
    const K = target.weights.length;
    for (let k = 0; k < K; k++) {
      const c: [number, number, number] = target.covariances
        ? [target.covariances[4 * k]!, target.covariances[4 * k + 1]!, target.covariances[4 * k + 3]!]
        : [target.variances![2 * k]!, 0, target.variances![2 * k + 1]!];
      comps.push({ w: target.weights[k]!, m: [target.means[2 * k]!, target.means[2 * k + 1]!], c });
    }
  } else if (target.type === 'gaussian') {
    const c = target.covariance;
    comps.push({ w: 1, m: [target.mean[0]!, target.mean[1]!], c: c ? [c[0]!, c[1]!, c[3]!] : [target.variances![0]!, 0, target.variances![1]!] });
  } else return [];
  const cellsOut = [];
  for (let i = 0; i < cells; i++)
    for (let j = 0; j < cells; j++) {
      const x = lo[0]! + (i + 0.5) * w;
      const y = lo[1]! + (j + 0.5) * h;
      let p = 0;
      for (const k of comps) {
        const [a, b, c] = k.c;
        const det = a * c - b * b;
        if (!(det > 0)) continue;
        const dx = x - k.m[0];
        const dy = y - k.m[1];
        p += (k.w * Math.exp(-0.5 * (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det)) / (2 * Math.PI * Math.sqrt(det));
      }
      cellsOut.push({ x: x - w / 2, y: y - h / 2, width: w, height: h, logDensity: Math.log(Math.max(p, 1e-300)) });
    }
  return cellsOut;
}

/** Writes results.json, results.csv and the SVG plots into `dir`; returns the file names written. */
export async function writeStudyFiles(
  results: StudyResults,
  dir: string,
  extras: { target?: TargetSpec; scatter?: { label: string; steps: number; samples: NDArray } } = {},
): Promise<string[]> {
  const files: string[] = [];
  const put = (name: string, content: string) => {
    writeFileAtomic(join(dir, name), content);
    files.push(name);
  };
  put('results.json', JSON.stringify(results, null, 2));
  put('results.csv', studyCsv(results));
  const points = convergencePoints(results);
  if (points.length > 0)
    put(
      'convergence.svg',
      await renderSvg(
        convergenceSpec(points, {
          title: results.kind === 'gaussian' ? 'Exact W2 discretization error versus NFE' : 'Exact-OT W2 versus NFE (mean ± s.e. over seeds)',
          referenceOrders: results.kind === 'gaussian' ? [1, 2, 4] : [1, 2],
          floor: results.floor?.mean,
        }),
      ),
    );
  const coupled = coupledPoints(results);
  if (coupled.length > 0)
    put(
      'coupled.svg',
      await renderSvg(
        convergenceSpec(coupled, {
          title: 'Coupled RMS distance to the fine-grid reference (same x_T and Brownian path) versus NFE',
          referenceOrders: [1, 2, 4],
        }),
      ),
    );
  const g = results.rows.filter((r): r is GaussianStudyRow => r.kind === 'gaussian');
  const bounded = g.filter((r) => r.theoryBound !== undefined);
  if (bounded.length > 0)
    put(
      'theory.svg',
      await renderSvg(
        convergenceSpec(
          bounded.map((r) => ({ sampler: r.label, nfe: r.nfe, w2: r.total })),
          {
            title: 'Exact total W2 (solid) and the theorems\' upper bound (dashed) versus NFE',
            referenceOrders: [],
            bounds: bounded.map((r) => ({ sampler: r.label, nfe: r.nfe, w2: r.theoryBound! })),
          },
        ),
      ),
    );
  if (g.length > 0)
    put(
      'decomposition.svg',
      await renderSvg(
        decompositionSpec(
          g.flatMap((r) =>
            (['truncation', 'continuous', 'discrete', 'total', 'discretization'] as const).map((component) => ({ sampler: r.label, nfe: r.nfe, component, w2: r[component] })),
          ),
        ),
      ),
    );
  if (extras.scatter && extras.target && results.d === 2) {
    const sm = extras.scatter.samples;
    const pts = [];
    for (let i = 0; i < Math.min(sm.shape[0]!, 2000); i++) pts.push({ x: sm.data[2 * i]!, y: sm.data[2 * i + 1]! });
    put('scatter.svg', await renderSvg(scatterSpec(pts, densityGrid(extras.target, sm), `${extras.scatter.label}, ${extras.scatter.steps} steps: samples over the target density`)));
  }
  return files;
}
