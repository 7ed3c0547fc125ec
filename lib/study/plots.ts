/**
 * Study plots as Vega-Lite specifications rendered to SVG in Node by vega (no browser,
 * no canvas). Every chart is a spec, so users can restyle it or render it elsewhere.
 */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from '../errors.js';

export type VegaLiteSpec = Record<string, unknown>;

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Renders a Vega-Lite spec to an SVG string (vega is loaded on first use, not with the package). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  let view: InstanceType<typeof vega.View>;
  try {
    view = new vega.View(vega.parse(vl.compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  } catch (e) {
    throw new InvalidArgumentError(`not a renderable Vega-Lite spec: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface ConvergencePoint {
  sampler: string;
  nfe: number;
  w2: number;
  /** Standard error, when the value is a Monte Carlo mean. */
  stderr?: number;
}

/**
 * W2 versus NFE on log-log axes, one series per sampler, with dashed reference slopes
 * NFE^(−p) for the given orders anchored at the first sampler's largest-NFE point.
 */
export function convergenceSpec(
  points: ConvergencePoint[],
  options: {
    title?: string;
    referenceOrders?: number[];
    floor?: number;
    /** Optional theory layer: an upper bound per sampler, drawn dashed in the sampler's colour. */
    bounds?: ConvergencePoint[];
  } = {},
): VegaLiteSpec {
  const refs: { order: string; nfe: number; w2: number }[] = [];
  const positive = points.filter((p) => p.w2 > 0 && p.nfe > 0);
  if (positive.length > 0) {
    const nfes = positive.map((p) => p.nfe);
    const lo = Math.min(...nfes);
    const hi = Math.max(...nfes);
    // Anchored at the smallest NFE, at the median error there, so the guides run through the data.
    const first = positive.filter((p) => p.nfe === lo).map((p) => p.w2).sort((a, b) => a - b);
    const anchor = { nfe: lo, w2: first[Math.floor(first.length / 2)]! };
    for (const p of options.referenceOrders ?? [1, 2]) {
      const c = anchor.w2 * anchor.nfe ** p;
      refs.push({ order: `slope −${p}`, nfe: lo, w2: c * lo ** -p }, { order: `slope −${p}`, nfe: hi, w2: c * hi ** -p });
    }
  }
  const layers: VegaLiteSpec[] = [
    {
      data: { values: positive },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'nfe', type: 'quantitative', scale: { type: 'log' }, title: 'score evaluations (NFE)' },
        y: { field: 'w2', type: 'quantitative', scale: { type: 'log' }, title: 'W2 error' },
        color: { field: 'sampler', type: 'nominal', title: 'sampler' },
      },
    },
    {
      data: { values: refs },
      mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
      encoding: {
        x: { field: 'nfe', type: 'quantitative', scale: { type: 'log' } },
        y: { field: 'w2', type: 'quantitative', scale: { type: 'log' } },
        detail: { field: 'order', type: 'nominal' },
      },
    },
  ];
  const withErr = positive.filter((p) => p.stderr !== undefined && p.stderr > 0 && p.w2 - p.stderr > 0);
  if (withErr.length > 0)
    layers.push({
      data: { values: withErr.map((p) => ({ ...p, lo: p.w2 - p.stderr!, hi: p.w2 + p.stderr! })) },
      mark: { type: 'rule' },
      encoding: {
        x: { field: 'nfe', type: 'quantitative', scale: { type: 'log' } },
        y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } },
        y2: { field: 'hi' },
        color: { field: 'sampler', type: 'nominal' },
      },
    });
  const bounds = (options.bounds ?? []).filter((p) => p.w2 > 0 && p.nfe > 0);
  if (bounds.length > 0)
    layers.push({
      data: { values: bounds.map((p) => ({ ...p, series: 'bound' })) },
      mark: { type: 'line', strokeDash: [6, 3], point: { shape: 'triangle-down', filled: false } },
      encoding: {
        x: { field: 'nfe', type: 'quantitative', scale: { type: 'log' } },
        y: { field: 'w2', type: 'quantitative', scale: { type: 'log' } },
        color: { field: 'sampler', type: 'nominal' },
        detail: { field: 'series', type: 'nominal' },
      },
    });
  if (options.floor !== undefined && options.floor > 0)
    layers.push({
      data: { values: [{ floor: options.floor }] },
      mark: { type: 'rule', color: 'firebrick', strokeDash: [2, 2] },
      encoding: { y: { field: 'floor', type: 'quantitative', scale: { type: 'log' } } },
    });
  return { $schema: schema, title: options.title ?? 'W2 error versus score evaluations', width: 480, height: 320, layer: layers };
}

export interface DecompositionPoint {
  sampler: string;
  nfe: number;
  component: string;
  w2: number;
}

/** The Gaussian error split (one panel per sampler, one line per component) versus NFE. */
export function decompositionSpec(points: DecompositionPoint[], title = 'Exact W2 error components (Gaussian target)'): VegaLiteSpec {
  return {
    $schema: schema,
    title,
    data: { values: points.filter((p) => p.w2 > 0) },
    facet: { field: 'sampler', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 220,
      height: 160,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'nfe', type: 'quantitative', scale: { type: 'log' }, title: 'NFE' },
        y: { field: 'w2', type: 'quantitative', scale: { type: 'log' }, title: 'W2' },
        color: { field: 'component', type: 'nominal', title: 'component' },
      },
    },
  };
}

/** A 2-D scatter of generated samples over a heat map of the target's log-density on a grid. */
export function scatterSpec(
  samples: { x: number; y: number }[],
  density: { x: number; y: number; logDensity: number; width: number; height: number }[],
  title = 'generated samples over the target density',
): VegaLiteSpec {
  const top = Math.max(...density.map((c) => c.logDensity));
  return {
    $schema: schema,
    title,
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: density.map((c) => ({ ...c, x2: c.x + c.width, y2: c.y + c.height })) },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'x₁' },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', title: 'x₂' },
          y2: { field: 'y2' },
          // The top 25 nats of log-density: below that everything is background.
          color: {
            field: 'logDensity',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [top - 25, top], clamp: true },
            title: 'log p₀',
          },
        },
      },
      {
        data: { values: samples },
        mark: { type: 'point', size: 6, filled: true, color: 'darkorange', opacity: 0.6 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
    ],
  };
}
