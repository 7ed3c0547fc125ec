/**
 * One valid call per exported function of lib/index.ts (small sizes, so an unmutated call is fast);
 * the fuzzer mutates them. Each factory returns fresh arguments, so calls never share state.
 */
import { writeFileSync } from 'node:fs';
import type * as Lib from '../../lib/index.js';

type L = typeof Lib;
export type Cases = Record<string, () => unknown[]>;

const f64 = (...v: number[]) => new Float64Array(v);

/** Fixtures built once (a fitted OT prior, a W2 result, a resolved study). */
export async function fixtures(L: L) {
  const gauss = L.gaussianTarget({ mean: [0.5, -1], variances: [1, 2] });
  const gmm = L.gmmTarget({ weights: [0.5, 0.5], means: [[1, 0], [-1, 0]], variances: [[0.5, 0.5], [1, 1]] });
  const cloudA = L.ndarray(f64(0, 0, 1, 0, 0, 1, 1, 1), [4, 2]);
  const cloudB = L.ndarray(f64(0.1, 0, 1.2, 0.1, 0, 0.9, 1, 1.3), [4, 2]);
  const prior = L.fitOtPriorSync({ data: L.ndarray(f64(0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5, 2, 1), [6, 2]), process: 'vp', seed: 1, tolerance: 0.5, allowNotConverged: true });
  const w2result = L.w2Sync(cloudA, cloudB);
  const studyConfig = { name: 'fuzz', target: { type: 'gaussian', eigenvalues: [1, 0.5] }, process: { name: 'vp' }, samplers: ['euler'], steps: [4, 8, 16] } as const;
  const resolved = L.resolveStudy(studyConfig as never);
  const results = await L.study(studyConfig as never);
  return { gauss, gmm, cloudA, cloudB, prior, w2result, studyConfig, resolved, results };
}

export function cases(L: L, fx: Awaited<ReturnType<typeof fixtures>>): Cases {
  const { gauss, gmm, cloudA, cloudB, prior, w2result, studyConfig, resolved, results } = fx;
  const x2 = () => L.ndarray(f64(0.3, -0.2, 1, 2), [2, 2]);
  const score = (_t: unknown, x: Float64Array | Float32Array, _n: number, _d: number, out: Float64Array | Float32Array) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
  };
  const spectral = { eigenvalues: [1, 0.5, 0.25] };
  return {
    analyzeGaussian: () => [{ ...spectral, samplers: ['euler', 'heun'], steps: [4, 8] }],
    analyzeGaussianSync: () => [{ ...spectral, samplers: ['euler', 'randomized-midpoint'], steps: [4] }],
    asPoints: () => [cloudA, 'a'],
    bures: () => [[0, 0], [[1, 0], [0, 1]], [1, 0], [[2, 0], [0, 1]]],
    checkCertificate: () => [cloudA, cloudB, w2result],
    checkCertificateAsync: () => [cloudA, cloudB, w2result],
    continuousFlow: () => [{ ...spectral, ode: true }],
    convergenceSpec: () => [[{ sampler: 'euler', nfe: 4, w2: 0.5 }, { sampler: 'euler', nfe: 8, w2: 0.25 }], { floor: 0.01 }],
    decompositionSpec: () => [[{ sampler: 'euler', nfe: 4, component: 'total', w2: 0.5 }]],
    devices: () => [],
    diffuseData: () => [cloudA, 'vp', { seed: 1 }],
    dtypeOf: () => [f64(1)],
    empiricalTarget: () => [cloudA],
    fitOrder: () => [[4, 8, 16, 32], [0.5, 0.26, 0.12, 0.061]],
    fitOtPrior: () => [{ data: cloudA, process: 'vp', seed: 2, tolerance: 0.5, allowNotConverged: true, maxIterations: 50 }],
    fitOtPriorSync: () => [{ data: cloudA, process: 'vp', seed: 2, tolerance: 0.5, allowNotConverged: true, maxIterations: 50 }],
    formatNpy: () => [x2()],
    formatStudy: () => [results],
    fromNativeError: () => [Object.assign(new Error('x'), { code: 'INVALID_ARGUMENT' })],
    fromRows: () => [[[1, 2], [3, 4]]],
    gaussLegendre: () => [4],
    gaussianMoments: () => [cloudA],
    gaussianOtMap: () => [{ mean: [0, 1], covariance: [[1, 0], [0, 2]] }, 'vp'],
    gaussianRecursion: () => [{ ...spectral, sampler: 'heun', steps: 6 }],
    gaussianTarget: () => [{ mean: [0, 1], covariance: [[1, 0.2], [0.2, 1]] }],
    gaussianW2: () => [[0, 0], [[1, 0], [0, 1]], [1, 0], [[2, 0], [0, 1]]],
    gmmTarget: () => [{ weights: [0.3, 0.7], means: [[0], [1]], variances: [[1], [0.5]] }],
    ioErrorFrom: () => ['read', 'x', Object.assign(new Error('x'), { code: 'ENOENT' })],
    isOtPrior: () => [prior],
    laguerreArgmax: () => [prior.points, prior.weights, x2()],
    loadOtPrior: () => ['fixture-prior'],
    mapOtPrior: () => [prior, x2(), { soft: true }],
    measurePriorError: () => [prior, { pT: L.ndarray(f64(0, 1, 1, 0, 0.5, 0.5), [3, 2]), seed: 1 }],
    ndarray: () => [f64(1, 2, 3, 4), [2, 2]],
    nearestPoints: () => [cloudA, x2()],
    normalizeProcess: () => [{ name: 'ou', beta: 2 }],
    normals: () => [{ seed: 1, n: 3, d: 2 }],
    normalsSync: () => [{ seed: 1, n: 3, d: 2, dtype: 'float32' }],
    otCellMasses: () => [prior, { seed: 1, draws: 256 }],
    otCheckDraws: () => [16, 0.1],
    otPriorInitialState: () => [prior, 3, 1],
    otPriorTrainingData: () => [gauss, 'vp', 4, 1],
    parseNpy: () => [L.formatNpy(x2())],
    phiFunctions: () => [0.5],
    philox4x32: () => [[1, 2, 3, 4], [5, 6]],
    priorErrorStudy: () => [{ target: gauss, process: 'vp', m: 8, n: 16, seeds: [0, 1], sampler: 'euler-maruyama', steps: 4, fit: { tolerance: 0.5, allowNotConverged: true, maxIterations: 50 } }],
    processCoefficients: () => [{ name: 'vp', T: 1 }, [0.001, 0.5, 1]],
    processIntegral: () => ['vp', 0.1, 0.5],
    randomizedMoments: () => [{ ...spectral, sampler: 'randomized-midpoint', steps: 4 }],
    readNpy: () => ['fixture.npy'],
    readTargetFile: () => ['fixture-target.json'],
    renderSvg: () => [L.convergenceSpec([{ sampler: 'euler', nfe: 4, w2: 0.5 }, { sampler: 'euler', nfe: 8, w2: 0.25 }])],
    requireOtPriorMatches: () => [prior, { process: prior.process, T: prior.T, d: prior.d }],
    requiredC1: () => [[{ initTerm: 0.1, truncationTerm: 0.01, rate: 0.5 }], [0.7]],
    resolveDevice: () => ['cpu'],
    resolveStudy: () => [studyConfig],
    ringMixture: () => [4, 2, 0.1],
    runtimeInfo: () => [],
    sample: () => [{ target: gmm, n: 4, steps: 4, sampler: 'heun', seed: 3 }],
    sampleGaussianMoments: () => [{ ...spectral, samples: 16, seed: 1 }],
    sampleMarginal: () => [gauss, 'vp', 0.5, { n: 3, seed: 1 }],
    sampleMarginalSync: () => [gmm, 've', 1, { n: 3, seed: 1 }],
    sampleSync: () => [{ score, d: 2, n: 3, steps: 4, sampler: 'exponential', seed: 1 }],
    saveOtPrior: () => [prior, 'fuzz-prior'],
    scatterSpec: () => [[{ x: 0, y: 1 }], [{ x: 0, y: 0, logDensity: -1, width: 1, height: 1 }]],
    schemeInfo: () => ['heun'],
    schemes: () => [],
    setThreads: () => [1],
    sizeOf: () => [[2, 3]],
    stepPlan: () => ['heun', 'vp', 0.5, 0.4],
    study: () => [studyConfig],
    studyCsv: () => [results],
    summarize: () => [resolved, results.rows, null],
    targetFromJson: () => [{ type: 'gaussian', mean: [0], variances: [1] }],
    targetHessianVectorProduct: () => [gauss, 'vp', 0.5, x2(), x2()],
    targetInfo: () => [gmm],
    targetLaplacian: () => [gmm, 'vp', 0.5, x2()],
    targetMoments: () => [gmm],
    targetScore: () => [gauss, 've', 0.5, x2()],
    targetScoreJacobian: () => [gmm, 'vp', 0.5, x2()],
    targetTimeDerivative: () => [gmm, 'vp', 0.5, x2()],
    theoryBounds: () => [{ eigenvalues: [1, 0.5], sampler: 'euler', steps: [10, 20] }],
    theoryTarget: () => [{ eigenvalues: [1, 0.5] }],
    timeGrid: () => ['vp', { kind: 'karras', steps: 4 }],
    timeOfNoiseLevel: () => ['vp', 2],
    toRows: () => [x2()],
    w2: () => [cloudA, cloudB, { method: 'sliced', projections: 8 }],
    w2Sync: () => [cloudA, cloudB],
    writeNpy: () => ['fuzz.npy', x2()],
    writeStudyFiles: () => [results, 'fuzz-study-out'],
    zeros: () => [[2, 2]],
  };
}

/** Files the valid calls read, written into the fuzz's working folder. */
export function writeFixtureFiles(L: L, fx: Awaited<ReturnType<typeof fixtures>>): void {
  L.writeNpy('fixture.npy', L.ndarray(f64(1, 2, 3, 4), [2, 2]));
  L.saveOtPrior(fx.prior, 'fixture-prior');
  writeFileSync('fixture-target.json', JSON.stringify({ type: 'gaussian', mean: [0, 1], variances: [1, 2] }));
}
