/**
 * diffusion-w2: fast diffusion samplers and exact Wasserstein-2 error analysis.
 *
 * The package root: everything in ./exports.js, with every function behind the typed boundary
 * (./boundary.js) so that any call ends in an answer or a DW2Error with a code. A function added
 * to exports.ts is exported as is until it gets its line here (the fuzz suite lists it).
 */
import * as api from './exports.js';
import { isTypedEntry as isTypedEntryUnwrapped, typedEntry } from './boundary.js';

export * from './exports.js';
export const isTypedEntry = typedEntry('isTypedEntry', isTypedEntryUnwrapped);

export const analyzeGaussian = typedEntry('analyzeGaussian', api.analyzeGaussian);
export const analyzeGaussianSync = typedEntry('analyzeGaussianSync', api.analyzeGaussianSync);
export const asPoints = typedEntry('asPoints', api.asPoints);
export const checkCertificate = typedEntry('checkCertificate', api.checkCertificate);
export const checkCertificateAsync = typedEntry('checkCertificateAsync', api.checkCertificateAsync);
export const continuousFlow = typedEntry('continuousFlow', api.continuousFlow);
export const convergenceSpec = typedEntry('convergenceSpec', api.convergenceSpec);
export const decompositionSpec = typedEntry('decompositionSpec', api.decompositionSpec);
export const devices = typedEntry('devices', api.devices);
export const diffuseData = typedEntry('diffuseData', api.diffuseData);
export const dtypeOf = typedEntry('dtypeOf', api.dtypeOf);
export const empiricalTarget = typedEntry('empiricalTarget', api.empiricalTarget);
export const fitOrder = typedEntry('fitOrder', api.fitOrder);
export const fitOtPrior = typedEntry('fitOtPrior', api.fitOtPrior);
export const fitOtPriorSync = typedEntry('fitOtPriorSync', api.fitOtPriorSync);
export const formatNpy = typedEntry('formatNpy', api.formatNpy);
export const formatStudy = typedEntry('formatStudy', api.formatStudy);
export const fromNativeError = typedEntry('fromNativeError', api.fromNativeError);
export const fromRows = typedEntry('fromRows', api.fromRows);
export const gaussLegendre = typedEntry('gaussLegendre', api.gaussLegendre);
export const gaussianMoments = typedEntry('gaussianMoments', api.gaussianMoments);
export const gaussianOtMap = typedEntry('gaussianOtMap', api.gaussianOtMap);
export const gaussianRecursion = typedEntry('gaussianRecursion', api.gaussianRecursion);
export const gaussianTarget = typedEntry('gaussianTarget', api.gaussianTarget);
export const gaussianW2 = typedEntry('gaussianW2', api.gaussianW2);
export const bures = gaussianW2; // an alias, and the same function
export const gmmTarget = typedEntry('gmmTarget', api.gmmTarget);
export const ioErrorFrom = typedEntry('ioErrorFrom', api.ioErrorFrom);
export const isOtPrior = typedEntry('isOtPrior', api.isOtPrior);
export const laguerreArgmax = typedEntry('laguerreArgmax', api.laguerreArgmax);
export const loadOtPrior = typedEntry('loadOtPrior', api.loadOtPrior);
export const mapOtPrior = typedEntry('mapOtPrior', api.mapOtPrior);
export const measurePriorError = typedEntry('measurePriorError', api.measurePriorError);
export const ndarray = typedEntry('ndarray', api.ndarray);
export const nearestPoints = typedEntry('nearestPoints', api.nearestPoints);
export const normalizeProcess = typedEntry('normalizeProcess', api.normalizeProcess);
export const normals = typedEntry('normals', api.normals);
export const normalsSync = typedEntry('normalsSync', api.normalsSync);
export const otCellMasses = typedEntry('otCellMasses', api.otCellMasses);
export const otCheckDraws = typedEntry('otCheckDraws', api.otCheckDraws);
export const otPriorInitialState = typedEntry('otPriorInitialState', api.otPriorInitialState);
export const otPriorTrainingData = typedEntry('otPriorTrainingData', api.otPriorTrainingData);
export const parseNpy = typedEntry('parseNpy', api.parseNpy);
export const phiFunctions = typedEntry('phiFunctions', api.phiFunctions);
export const philox4x32 = typedEntry('philox4x32', api.philox4x32);
export const priorErrorStudy = typedEntry('priorErrorStudy', api.priorErrorStudy);
export const processCoefficients = typedEntry('processCoefficients', api.processCoefficients);
export const processIntegral = typedEntry('processIntegral', api.processIntegral);
export const randomizedMoments = typedEntry('randomizedMoments', api.randomizedMoments);
export const readNpy = typedEntry('readNpy', api.readNpy);
export const readTargetFile = typedEntry('readTargetFile', api.readTargetFile);
export const renderSvg = typedEntry('renderSvg', api.renderSvg);
export const requireOtPriorMatches = typedEntry('requireOtPriorMatches', api.requireOtPriorMatches);
export const requiredC1 = typedEntry('requiredC1', api.requiredC1);
export const resolveDevice = typedEntry('resolveDevice', api.resolveDevice);
export const resolveStudy = typedEntry('resolveStudy', api.resolveStudy);
export const ringMixture = typedEntry('ringMixture', api.ringMixture);
export const runtimeInfo = typedEntry('runtimeInfo', api.runtimeInfo);
export const sample = typedEntry('sample', api.sample);
export const sampleGaussianMoments = typedEntry('sampleGaussianMoments', api.sampleGaussianMoments);
export const sampleMarginal = typedEntry('sampleMarginal', api.sampleMarginal);
export const sampleMarginalSync = typedEntry('sampleMarginalSync', api.sampleMarginalSync);
export const sampleSync = typedEntry('sampleSync', api.sampleSync);
export const saveOtPrior = typedEntry('saveOtPrior', api.saveOtPrior);
export const scatterSpec = typedEntry('scatterSpec', api.scatterSpec);
export const schemeInfo = typedEntry('schemeInfo', api.schemeInfo);
export const schemes = typedEntry('schemes', api.schemes);
export const setThreads = typedEntry('setThreads', api.setThreads);
export const sizeOf = typedEntry('sizeOf', api.sizeOf);
export const stepPlan = typedEntry('stepPlan', api.stepPlan);
export const study = typedEntry('study', api.study);
export const studyCsv = typedEntry('studyCsv', api.studyCsv);
export const summarize = typedEntry('summarize', api.summarize);
export const targetFromJson = typedEntry('targetFromJson', api.targetFromJson);
export const targetHessianVectorProduct = typedEntry('targetHessianVectorProduct', api.targetHessianVectorProduct);
export const targetInfo = typedEntry('targetInfo', api.targetInfo);
export const targetLaplacian = typedEntry('targetLaplacian', api.targetLaplacian);
export const targetMoments = typedEntry('targetMoments', api.targetMoments);
export const targetScore = typedEntry('targetScore', api.targetScore);
export const targetScoreJacobian = typedEntry('targetScoreJacobian', api.targetScoreJacobian);
export const targetTimeDerivative = typedEntry('targetTimeDerivative', api.targetTimeDerivative);
export const theoryBounds = typedEntry('theoryBounds', api.theoryBounds);
export const theoryTarget = typedEntry('theoryTarget', api.theoryTarget);
export const timeGrid = typedEntry('timeGrid', api.timeGrid);
export const timeOfNoiseLevel = typedEntry('timeOfNoiseLevel', api.timeOfNoiseLevel);
export const toRows = typedEntry('toRows', api.toRows);
export const w2 = typedEntry('w2', api.w2);
export const w2Sync = typedEntry('w2Sync', api.w2Sync);
export const writeNpy = typedEntry('writeNpy', api.writeNpy);
export const writeStudyFiles = typedEntry('writeStudyFiles', api.writeStudyFiles);
export const zeros = typedEntry('zeros', api.zeros);
