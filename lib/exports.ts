/**
 * Everything the package exports, unwrapped; lib/index.ts (the package root) re-exports it with
 * every function behind the typed boundary (lib/boundary.ts). Add new exports here.
 */
export * from './errors.js';
export * from './ndarray.js';
export { parseNpy, formatNpy, readNpy, writeNpy } from './npy.js';
export type { JobOptions } from './jobs.js';
export { brownianIncrements, normals, normalsSync, philox4x32, type BrownianIncrementsOptions, type NormalsOptions } from './noise.js';
export { setThreads, runtimeInfo, type RuntimeInfo } from './runtime.js';
export { version } from './version.js';
export {
  normalizeProcess,
  processCoefficients,
  processIntegral,
  timeOfNoiseLevel,
  timeGrid,
  schemes,
  schemeInfo,
  stepPlan,
  phiFunctions,
  localLinearizationNoise,
  localLinearizationNoiseTable,
  type LocalLinearizationNoise,
  processNames,
  priorNames,
  type PriorName,
  type ProcessName,
  type ProcessSpec,
  type ProcessInput,
  type ProcessCoefficients,
  type GridKind,
  type GridSpec,
  type SamplerName,
  type SchemeInfo,
  type StepPlan,
  type Combination,
} from './process.js';
export { devices, resolveDevice, type Device, type DevicesReport } from './device.js';
export { karrasZeroGrid } from './process.js';
export { samplerNames } from './sampler-names.js';
export { scoreFromModel, modelPredictions, type ModelPrediction, type ModelCallback, type ModelInput, type StepInfo } from './model.js';
export { samplerParams, type SamplerParamOptions, type SamplerOptions, type SamplerEntry } from './sampler-params.js';
export {
  gaussianTarget,
  gmmTarget,
  empiricalTarget,
  targetInfo,
  targetFromJson,
  readTargetFile,
  targetScore,
  targetScoreJacobian,
  targetLaplacian,
  targetTimeDerivative,
  targetHessianVectorProduct,
  sampleMarginalSync,
  sampleMarginal,
  targetMoments,
  type TargetSpec,
  type GaussianTargetSpec,
  type GmmTargetSpec,
  type EmpiricalTargetSpec,
  type GaussianTargetOptions,
  type GmmTargetOptions,
  type TargetInfo,
  type SampleMarginalOptions,
  type VectorInput,
  type MatrixInput,
  type MatrixStackInput,
} from './targets.js';
export {
  coupledDistance,
  coupledError,
  defaultReference,
  isSdeScheme,
  pathwiseOrder,
  pathwiseOrders,
  resolveCoupledReference,
  type CoupledDistance,
  type CoupledErrorOptions,
  type CoupledErrorResult,
  type CoupledReference,
} from './coupled.js';
export {
  sample,
  sampleSync,
  type SampleOptions,
  type SampleResult,
  type ScoreCallback,
  type HvpCallback,
  type PriorInput,
  type OtSemidiscretePriorInput,
  type HessianRoute,
  type NoiseSource,
} from './sample.js';
export {
  analyzeGaussian,
  analyzeGaussianSync,
  gaussianRecursion,
  continuousFlow,
  randomizedMoments,
  sampleGaussianMoments,
  gaussLegendre,
  type GaussianDataInput,
  type ApproxScoreInput,
  type GaussianAnalysisOptions,
  type GaussianAnalysisRow,
  type GaussianAnalysisResult,
  type DirectionInput,
  type DirectionStart,
  type GaussianRecursionOptions,
  type GaussianRecursionResult,
  type ContinuousFlowOptions,
  type RandomizedMomentsOptions,
} from './gaussian.js';
export { stepsToAccuracy, stepsToAccuracySync, accuracyComponents, type AccuracyComponent, type StepsToAccuracyOptions, type StepsToAccuracyRow, type StepsToAccuracyResult } from './accuracy.js';
export {
  gaussianOtMap,
  fitOtPrior,
  fitOtPriorSync,
  mapOtPrior,
  otPriorInitialState,
  otPriorTrainingData,
  isOtPrior,
  requireOtPriorMatches,
  saveOtPrior,
  loadOtPrior,
  laguerreArgmax,
  nearestPoints,
  otCellMasses,
  otCheckDraws,
  defaultOtTolerance,
  measurePriorError,
  diffuseData,
  otPriorStreams,
  type GaussianSource,
  type GaussianOtMap,
  type FitOtPriorOptions,
  type OtPrior,
  type OtPriorMapOptions,
  type OtPriorMethod,
  type PriorErrorReport,
  type DistanceSummary,
  type W2Function,
} from './ot-prior.js';
export { priorErrorStudy, priorErrorFormat, type PriorErrorStudyOptions, type PriorErrorStudyResult, type SeedStatistic } from './prior-error.js';
export { w2, w2Sync, exactOt, exactOtSync, emd2, checkCertificate, checkCertificateAsync, gaussianW2, bures, gaussianMoments, weightTotalTolerance, type CloudMoments, type W2Options, type W2Result, type W2Method, type PointsInput, type CostMatrixInput, type ExactOtOptions, type ExactOtResult, type W2Kind, type ExactSolver, type SparsePlan, type Potentials, type W2Certificate, type CertificateCheck, type CheckOptions, type GaussianW2Result, type VectorLike, type MatrixLike } from './w2.js';
export { study, summarize, studyFormat, type StudyOptions, type StudyResults, type StudyRow, type GaussianStudyRow, type MonteCarloStudyRow, type MonteCarloSummary, type StudyFloor, type StudyOrder, type ReferenceRun } from './study/run.js';
export { resolveStudy, type StudyConfig, type SamplerConfig, type StudyTargetConfig, type SpectralGaussianConfig, type ResolvedStudy, type CoupledStudyConfig } from './study/config.js';
export { formatStudy, studyCsv, writeStudyFiles } from './study/report.js';
export { fitOrder, type OrderFit, type FitOptions } from './study/order-fit.js';
export { convergenceSpec, decompositionSpec, scatterSpec, renderSvg, type VegaLiteSpec } from './study/plots.js';
export { demoGaussianStudy, demoMixtureStudy, ringMixture } from './study/presets.js';
export { theoryBounds, theoryTarget, requiredC1, theorems, theoryReference, type TheoryOptions, type TheoryResult, type TheoryRow } from './study/theory.js';
// Types that exported functions take or return (so the API reference, `npm run docs:api`, can link them).
export type { TheorySampler, TheoremInfo, PerSampler, TheoryTarget, TheoryAssumptions, TheoryTargetInput } from './study/theory.js';
export type { ResolvedSampler, StudyTheoryConfig, OtPriorFileConfig } from './study/config.js';
export type { StudyTheory } from './study/run.js';
export type { ConvergencePoint, DecompositionPoint } from './study/plots.js';
export { loadOnnxModel, OnnxScoreModel, type OnnxModelOptions } from './model/onnx-model.js';
export {
  parameterizations,
  timeInputs,
  alphasCumprod,
  type Parameterization,
  type TimeInput,
  type TimestepSchedule,
} from './model/parameterization.js';
export { scoreErrorStudy, pairedRms, type ScoreErrorOptions, type ScoreErrorResult, type ScoreErrorRow, type RmsEstimate } from './model/score-error.js';
export { affineScoreAnalysis, fitAffine, type AffineAnalysisOptions, type AffineAnalysisResult, type AffineScore } from './model/affine-score-analysis.js';
export type { ModelDType } from './model/onnx-model.js';
export type { OrtModule, OrtSession, OrtTensor, OrtValueMetadata } from './model/onnx-runtime.js';
export type { ResolvedToAccuracy, ToAccuracyConfig } from './study/to-accuracy-config.js';
export type { StudyChecksums } from './study/files.js';
export type { PaperBound } from './study/theory.js';
export type { NativeSamplerParams } from './sampler-params.js';
export type { StudyModelConfig } from './study/config.js';
export type { LocalLinearizationNoiseTable } from './process.js';
