/**
 * Independent reference for the exact Gaussian analysis tests, written from the spec's
 * formulas (§1 processes, §5 schemes, §6 local linearization) in plain JS. Nothing here
 * calls the library: schemes are written as the spec states them, on scalar affine forms. The
 * processes, φ-functions and grids are shared with scalar-schemes.ts (also library-free).
 */
import { coefficients, phi1, phi2, uniformGrid, type Coefficients } from './scalar-schemes.js';

/** A process of spec §1 (the transcription in scalar-schemes.ts) with its name and default horizon. */
export interface RefProcess extends Coefficients {
  name: 'vp' | 'ou' | 've' | 'heat';
  T: number;
}

export function refProcess(name: RefProcess['name'], o: { betaMin?: number; betaMax?: number; beta?: number } = {}): RefProcess {
  return { ...coefficients(name, o), name, T: { vp: 1, ou: 10, ve: 80, heat: 100 }[name] };
}

export { uniformGrid };

/** a·x + b + Σ c_l Z_l, with the noises identified by position in `c`. */
export class Affine {
  constructor(
    public a: number,
    public b: number,
    public c: number[] = [],
  ) {}
  static x(): Affine {
    return new Affine(1, 0);
  }
  static noise(index: number, scale: number): Affine {
    const c: number[] = [];
    c[index] = scale;
    return new Affine(0, 0, c);
  }
  plus(o: Affine): Affine {
    const n = Math.max(this.c.length, o.c.length);
    const c = Array.from({ length: n }, (_, l) => (this.c[l] ?? 0) + (o.c[l] ?? 0));
    return new Affine(this.a + o.a, this.b + o.b, c);
  }
  times(w: number): Affine {
    return new Affine(w * this.a, w * this.b, this.c.map((x) => w * (x ?? 0)));
  }
  addConst(k: number): Affine {
    return new Affine(this.a, this.b + k, [...this.c]);
  }
  noiseVariance(): number {
    return this.c.reduce((s, x) => s + (x ?? 0) ** 2, 0);
  }
}

/** One direction's Gaussian score s(t, y) = −(y − α_t m)/ℓ_t, ℓ_t = α_t² λ + σ_t². */
export function refScore(p: RefProcess, lambda: number, m: number) {
  return (t: number, y: Affine): Affine => {
    const ell = p.alpha(t) ** 2 * lambda + p.sigma2(t);
    return y.addConst(-p.alpha(t) * m).times(-1 / ell);
  };
}

type Score = ReturnType<typeof refScore>;

/**
 * One step t0 → t1 of a scheme (spec §5–6) on the affine form x of one direction.
 * u: the randomized schemes' uniform. Returns x′ as an affine form in (x, noises).
 */
export function refStep(name: string, p: RefProcess, score: Score, x: Affine, t0: number, t1: number, o: { eta?: number; u?: number; lambda?: number; mean?: number } = {}): Affine {
  const h = t0 - t1;
  let noiseIndex = x.c.length;
  const z = (scale: number) => Affine.noise(noiseIndex++, scale);
  const Fsde = (t: number, y: Affine) => y.times(p.f(t)).plus(score(t, y).times(-p.g2(t)));
  const Fode = (t: number, y: Affine) => y.times(p.f(t)).plus(score(t, y).times(-0.5 * p.g2(t)));
  const a0 = p.alpha(t0);
  const a1 = p.alpha(t1);
  switch (name) {
    case 'euler-maruyama':
      return x.plus(Fsde(t0, x).times(-h)).plus(z(Math.sqrt(p.g2(t0) * h)));
    case 'ddpm': {
      const b = h * p.g2(t0);
      return x.plus(score(t0, x).times(b)).times(1 / Math.sqrt(1 - b)).plus(z(Math.sqrt(b)));
    }
    case 'exponential':
      return x
        .times(a1 / a0)
        .plus(score(t0, x).times(a1 * p.integral(t1, t0)))
        .plus(z(a1 * Math.sqrt(p.lambda(t0) - p.lambda(t1))));
    case 'euler':
      return x.plus(Fode(t0, x).times(-h));
    case 'heun': {
      const d1 = Fode(t0, x);
      const xt = x.plus(d1.times(-h));
      const d2 = Fode(t1, xt);
      return x.plus(d1.plus(d2).times(-h / 2));
    }
    case 'rk4': {
      const tm = t0 - h / 2;
      const k1 = Fode(t0, x);
      const k2 = Fode(tm, x.plus(k1.times(-h / 2)));
      const k3 = Fode(tm, x.plus(k2.times(-h / 2)));
      const k4 = Fode(t1, x.plus(k3.times(-h)));
      return x.plus(k1.plus(k2.times(2)).plus(k3.times(2)).plus(k4).times(-h / 6));
    }
    case 'ddim': {
      const s0 = Math.sqrt(p.sigma2(t0));
      const s1 = Math.sqrt(p.sigma2(t1));
      const s = score(t0, x);
      const x0 = x.plus(s.times(s0 * s0)).times(1 / a0);
      const eps = s.times(-s0);
      const tilde = (o.eta ?? 0) * s1 * Math.sqrt(Math.max(0, 1 - ((a0 * s1) / (a1 * s0)) ** 2));
      let out = x0.times(a1).plus(eps.times(Math.sqrt(Math.max(0, s1 * s1 - tilde * tilde))));
      if (tilde > 0) out = out.plus(z(tilde));
      return out;
    }
    case 'exponential-ode':
      return x.times(a1 / a0).plus(score(t0, x).times(0.5 * a1 * p.integral(t1, t0)));
    case 'randomized-midpoint': {
      const u = o.u!;
      const tau = t0 - u * h;
      const gk = Math.sqrt(p.g2(t0));
      const xi1 = z(1);
      const xi2 = z(1);
      const xm = x.plus(Fsde(t0, x).times(-u * h)).plus(xi1.times(gk * Math.sqrt(u * h)));
      return x
        .plus(Fsde(tau, xm).times(-h))
        .plus(xi1.times(gk * Math.sqrt(h * u)))
        .plus(xi2.times(gk * Math.sqrt(h * (1 - u))));
    }
    case 'randomized-exponential': {
      const u = o.u!;
      const tau = t0 - u * h;
      const at = p.alpha(tau);
      const xi1 = z(1);
      const xi2 = z(1);
      const first = Math.sqrt(Math.max(0, p.lambda(t0) - p.lambda(tau)));
      const ym = x.times(1 / a0).plus(score(t0, x).times(p.integral(tau, t0))).plus(xi1.times(first));
      const inner = x
        .times(1 / a0)
        .plus(score(tau, ym.times(at)).times((h * p.g2(tau)) / at))
        .plus(xi1.times(first))
        .plus(xi2.times(Math.sqrt(Math.max(0, p.lambda(tau) - p.lambda(t1)))));
      return inner.times(a1);
    }
    case 'local-linearization':
    case 'local-linearization-ode': {
      // Spec §6 on one direction, with ∂_t s from α′ = fα and ℓ′ = 2αα′λ + (σ²)′.
      const ode = name.endsWith('-ode');
      const c = ode ? 0.5 : 1;
      const lam = o.lambda!;
      const m = o.mean!;
      const al = p.alpha(t0);
      const ell = al * al * lam + p.sigma2(t0);
      const dAlpha = p.f(t0) * al;
      const dEll = 2 * al * dAlpha * lam + p.dsigma2(t0);
      const s = score(t0, x);
      // ∂_t s = α′ m/ℓ + (x − α m) ℓ′/ℓ²
      const dts = x.addConst(-al * m).times(dEll / (ell * ell)).addConst((dAlpha * m) / ell);
      const b = x.times(-p.f(t0)).plus(s.times(c * p.g2(t0)));
      const L = -p.f(t0) - (c * p.g2(t0)) / ell;
      const M = x.times(p.df(t0)).plus(s.times(-c * p.dg2(t0))).plus(dts.times(-c * p.g2(t0)));
      let out = x.plus(b.times(h * phi1(h * L))).plus(M.times(h * h * phi2(h * L)));
      // Q = ∫₀ʰ e^{2L(h−r)} g²(t0 − r) dr with g² affine in t (spec §6).
      if (!ode) out = out.plus(z(Math.sqrt(p.g2(t0) * h * phi1(2 * h * L) - p.dg2(t0) * h * h * phi2(2 * h * L))));
      return out;
    }
  }
  throw new Error(`no reference for ${name}`);
}

/** Runs a scheme over a grid on one direction: returns (m, v) from a start (m0, v0). */
export function refRun(name: string, p: RefProcess, times: number[], lambda: number, m: number, m0: number, v0: number, eta = 0): { m: number; v: number } {
  const score = refScore(p, lambda, m);
  let mean = m0;
  let variance = v0;
  for (let k = 0; k + 1 < times.length; k++) {
    const step = refStep(name, p, score, Affine.x(), times[k]!, times[k + 1]!, { eta, lambda, mean: m });
    mean = step.a * mean + step.b;
    variance = step.a * step.a * variance + step.noiseVariance();
  }
  return { m: mean, v: variance };
}

/** W2 between two 2 × 2 Gaussians: tr √(S₁^{½}S₂S₁^{½}) = √(tr(S₁S₂) + 2√(det S₁ det S₂)). */
export function w2Gaussian2x2(m1: number[], S1: number[], m2: number[], S2: number[]): number {
  const tr = (S: number[]) => S[0]! + S[3]!;
  const det = (S: number[]) => S[0]! * S[3]! - S[1]! * S[2]!;
  const trProd = S1[0]! * S2[0]! + S1[1]! * S2[2]! + S1[2]! * S2[1]! + S1[3]! * S2[3]!;
  const cross = Math.sqrt(trProd + 2 * Math.sqrt(Math.max(0, det(S1) * det(S2))));
  const dm = (m1[0]! - m2[0]!) ** 2 + (m1[1]! - m2[1]!) ** 2;
  return Math.sqrt(Math.max(0, dm + tr(S1) + tr(S2) - 2 * cross));
}

/** Dense helpers for small matrices (row-major number[][]). */
export const mat = {
  mul(A: number[][], B: number[][]): number[][] {
    return A.map((r) => B[0]!.map((_, j) => r.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
  },
  transpose(A: number[][]): number[][] {
    return A[0]!.map((_, j) => A.map((r) => r[j]!));
  },
  identity(n: number): number[][] {
    return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  },
  add(A: number[][], B: number[][], b = 1): number[][] {
    return A.map((r, i) => r.map((x, j) => x + b * B[i]![j]!));
  },
  scale(A: number[][], s: number): number[][] {
    return A.map((r) => r.map((x) => s * x));
  },
  trace(A: number[][]): number {
    return A.reduce((s, r, i) => s + r[i]!, 0);
  },
  /** Inverse by Gauss–Jordan with partial pivoting. */
  inverse(A: number[][]): number[][] {
    const n = A.length;
    const M = A.map((r, i) => [...r, ...mat.identity(n)[i]!]);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
      [M[c], M[p]] = [M[p]!, M[c]!];
      const pivot = M[c]![c]!;
      for (let j = 0; j < 2 * n; j++) M[c]![j]! /= pivot;
      for (let r = 0; r < n; r++) {
        if (r === c) continue;
        const f = M[r]![c]!;
        for (let j = 0; j < 2 * n; j++) M[r]![j]! -= f * M[c]![j]!;
      }
    }
    return M.map((r) => r.slice(n));
  },
  /** Principal square root of a symmetric positive definite matrix by Denman–Beavers iteration. */
  sqrtDenmanBeavers(A: number[][], iterations = 60): number[][] {
    let Y = A.map((r) => [...r]);
    let Z = mat.identity(A.length);
    for (let k = 0; k < iterations; k++) {
      const Yi = mat.inverse(Y);
      const Zi = mat.inverse(Z);
      Y = mat.scale(mat.add(Y, Zi), 0.5);
      Z = mat.scale(mat.add(Z, Yi), 0.5);
    }
    return Y;
  },
  /** A random rotation (product of Givens rotations) from a seeded generator. */
  randomRotation(n: number, rand: () => number): number[][] {
    let Q = mat.identity(n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const th = 2 * Math.PI * rand();
        const G = mat.identity(n);
        G[i]![i] = Math.cos(th);
        G[j]![j] = Math.cos(th);
        G[i]![j] = -Math.sin(th);
        G[j]![i] = Math.sin(th);
        Q = mat.mul(Q, G);
      }
    return Q;
  },
  flat(A: number[][]): Float64Array {
    return Float64Array.from(A.flat());
  },
};

/** A small seeded generator (mulberry32) for test inputs. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
