/**
 * Independent reference for sampler tests: the processes of spec §1 and the schemes of §5–6
 * written from the formulas, for one eigen-direction of a Gaussian target N(m, λ) with the
 * exact score s = −(x − α m)/ℓ_t, ℓ_t = α²λ + σ². Every non-randomized scheme is then affine,
 * x′ = A x + B + Σ C_l z_l, so moments follow m′ = A m + B, v′ = A² v + Σ C_l².
 * No library code is used here.
 */

export interface Coefficients {
  alpha: (t: number) => number;
  sigma2: (t: number) => number;
  f: (t: number) => number;
  g2: (t: number) => number;
  df: (t: number) => number;
  dg2: (t: number) => number;
  /** (σ²)′(t), written per process (not through ℓ′ = 2fℓ + g²) */
  dsigma2: (t: number) => number;
  integral: (a: number, b: number) => number; // ∫_a^b g²/α
  lambda: (t: number) => number; // σ²/α²
}

export function coefficients(name: 'vp' | 'ou' | 've' | 'heat', opts: { betaMin?: number; betaMax?: number; beta?: number } = {}): Coefficients {
  if (name === 'vp' || name === 'ou') {
    const b0 = name === 'vp' ? (opts.betaMin ?? 0.1) : (opts.beta ?? 1);
    const b1 = name === 'vp' ? (opts.betaMax ?? 20) : (opts.beta ?? 1);
    const B = (t: number) => b0 * t + 0.5 * (b1 - b0) * t * t;
    const beta = (t: number) => b0 + t * (b1 - b0);
    const alpha = (t: number) => Math.exp(-0.5 * B(t));
    return {
      alpha,
      sigma2: (t) => -Math.expm1(-B(t)),
      f: (t) => -0.5 * beta(t),
      g2: beta,
      df: () => -0.5 * (b1 - b0),
      dg2: () => b1 - b0,
      dsigma2: (t) => beta(t) * Math.exp(-B(t)),
      integral: (a, b) => 2 * (1 / alpha(b) - 1 / alpha(a)),
      lambda: (t) => Math.expm1(B(t)),
    };
  }
  if (name === 've')
    return { alpha: () => 1, sigma2: (t) => t * t, f: () => 0, g2: (t) => 2 * t, df: () => 0, dg2: () => 2, dsigma2: (t) => 2 * t, integral: (a, b) => b * b - a * a, lambda: (t) => t * t };
  return { alpha: () => 1, sigma2: (t) => t, f: () => 0, g2: () => 1, df: () => 0, dg2: () => 0, dsigma2: () => 1, integral: (a, b) => b - a, lambda: (t) => t };
}

/** An affine expression A x + B + Σ C_l z_l in the state x and fresh normals z_l. */
export class Aff {
  constructor(
    readonly a: number,
    readonly b: number,
    readonly c: readonly number[] = [],
  ) {}
  static x = new Aff(1, 0);
  static noise(l: number, scale: number): Aff {
    const c: number[] = [];
    c[l] = scale;
    return new Aff(0, 0, c.map((v) => v ?? 0));
  }
  plus(o: Aff): Aff {
    const n = Math.max(this.c.length, o.c.length);
    const c = Array.from({ length: n }, (_, i) => (this.c[i] ?? 0) + (o.c[i] ?? 0));
    return new Aff(this.a + o.a, this.b + o.b, c);
  }
  times(k: number): Aff {
    return new Aff(this.a * k, this.b * k, this.c.map((v) => v * k));
  }
  shift(k: number): Aff {
    return new Aff(this.a, this.b + k, this.c);
  }
}

export const phi1 = (z: number) => (Math.abs(z) < 1e-6 ? 1 + z / 2 + (z * z) / 6 : Math.expm1(z) / z);
export function phi2(z: number): number {
  if (Math.abs(z) > 1.5) return (Math.expm1(z) - z) / (z * z);
  let s = 0;
  let term = 0.5;
  for (let k = 0; k < 40; k++) {
    s += term;
    term *= z / (k + 3);
  }
  return s;
}

export type ReferenceScheme =
  | 'euler-maruyama'
  | 'ddpm'
  | 'exponential'
  | 'euler'
  | 'heun'
  | 'rk4'
  | 'ddim'
  | 'exponential-ode'
  | 'local-linearization'
  | 'local-linearization-ode';

/** One step t0 → t1 of `scheme` for the direction with data mean m and variance λ, as an affine map of x. */
export function referenceStep(c: Coefficients, scheme: ReferenceScheme, t0: number, t1: number, m: number, lam: number, eta = 0): Aff {
  const h = t0 - t1;
  const ell = (t: number) => c.alpha(t) ** 2 * lam + c.sigma2(t);
  const score = (t: number, y: Aff) => y.shift(-c.alpha(t) * m).times(-1 / ell(t));
  const fOde = (t: number, y: Aff) => y.times(c.f(t)).plus(score(t, y).times(-0.5 * c.g2(t)));
  const x = Aff.x;
  const s0 = score(t0, x);
  const a0 = c.alpha(t0);
  const a1 = c.alpha(t1);
  switch (scheme) {
    case 'euler-maruyama':
      return x.plus(x.times(c.f(t0)).plus(s0.times(-c.g2(t0))).times(-h)).plus(Aff.noise(0, Math.sqrt(c.g2(t0) * h)));
    case 'ddpm': {
      const b = h * c.g2(t0);
      return x.plus(s0.times(b)).times(1 / Math.sqrt(1 - b)).plus(Aff.noise(0, Math.sqrt(b)));
    }
    case 'exponential':
      return x.times(a1 / a0).plus(s0.times(a1 * c.integral(t1, t0))).plus(Aff.noise(0, a1 * Math.sqrt(c.lambda(t0) - c.lambda(t1))));
    case 'euler':
      return x.plus(fOde(t0, x).times(-h));
    case 'heun': {
      const d1 = fOde(t0, x);
      const d2 = fOde(t1, x.plus(d1.times(-h)));
      return x.plus(d1.plus(d2).times(-h / 2));
    }
    case 'rk4': {
      const tm = t0 - h / 2;
      const k1 = fOde(t0, x);
      const k2 = fOde(tm, x.plus(k1.times(-h / 2)));
      const k3 = fOde(tm, x.plus(k2.times(-h / 2)));
      const k4 = fOde(t1, x.plus(k3.times(-h)));
      return x.plus(k1.plus(k2.times(2)).plus(k3.times(2)).plus(k4).times(-h / 6));
    }
    case 'ddim': {
      const sg0 = Math.sqrt(c.sigma2(t0));
      const sg1 = Math.sqrt(c.sigma2(t1));
      const x0hat = x.plus(s0.times(sg0 * sg0)).times(1 / a0);
      const eps = s0.times(-sg0);
      const r = (a0 * sg1) / (a1 * sg0);
      const tilde = eta * sg1 * Math.sqrt(Math.max(0, 1 - r * r));
      return x0hat.times(a1).plus(eps.times(Math.sqrt(sg1 * sg1 - tilde * tilde))).plus(Aff.noise(0, tilde));
    }
    case 'exponential-ode':
      return x.times(a1 / a0).plus(s0.times(0.5 * a1 * c.integral(t1, t0)));
    case 'local-linearization':
    case 'local-linearization-ode': {
      const ode = scheme === 'local-linearization-ode';
      const k = ode ? 0.5 : 1;
      const f = c.f(t0);
      const g2 = c.g2(t0);
      const l = ell(t0);
      // ∂_t s = α′m/ℓ + (x − αm) ℓ′/ℓ², α′ = fα, ℓ′ = 2fℓ + g².
      const dl = 2 * f * l + g2;
      const dsdt = x.shift(-a0 * m).times(dl / (l * l)).shift((f * a0 * m) / l);
      const b = x.times(-f).plus(s0.times(k * g2));
      // Δs = 0 for a Gaussian.
      const M = x.times(c.df(t0)).plus(s0.times(-k * c.dg2(t0))).plus(dsdt.times(-k * g2));
      const mu = -f - (k * g2) / l;
      let out = x.plus(b.times(h * phi1(h * mu))).plus(M.times(h * h * phi2(h * mu)));
      // Q = g² h φ₁(2hμ) − (g²)′ h² φ₂(2hμ): g² affine over the step (spec §6).
      if (!ode) out = out.plus(Aff.noise(0, Math.sqrt(g2 * h * phi1(2 * h * mu) - c.dg2(t0) * h * h * phi2(2 * h * mu))));
      return out;
    }
  }
}

/** Mean and variance after running the scheme over `grid` from N(mean0, var0). */
export function referenceMoments(
  c: Coefficients,
  scheme: ReferenceScheme,
  grid: ArrayLike<number>,
  m: number,
  lam: number,
  mean0: number,
  var0: number,
  eta = 0,
): { mean: number; variance: number } {
  let mean = mean0;
  let variance = var0;
  for (let k = 0; k + 1 < grid.length; k++) {
    const s = referenceStep(c, scheme, grid[k]!, grid[k + 1]!, m, lam, eta);
    mean = s.a * mean + s.b;
    variance = s.a * s.a * variance + s.c.reduce((acc, v) => acc + v * v, 0);
  }
  return { mean, variance };
}

/** p_t of the direction: N(α_t m, α_t² λ + σ_t²). */
export function marginal(c: Coefficients, t: number, m: number, lam: number): { mean: number; variance: number } {
  return { mean: c.alpha(t) * m, variance: c.alpha(t) ** 2 * lam + c.sigma2(t) };
}

export function uniformGrid(T: number, tEnd: number, steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => (k === steps ? tEnd : T + (k / steps) * (tEnd - T)));
}
