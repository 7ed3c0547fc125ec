/** The flags that name a score network (--model FILE and its conventions), shared by the subcommands that sample. */
import { InvalidArgumentError } from '../errors.js';
import { loadOnnxModel, type OnnxScoreModel } from '../model/onnx-model.js';
import type { Parameterization, TimeInput } from '../model/parameterization.js';
import { integerOption, numberOption, stringOption } from './args.js';

export const modelFlags = {
  model: { type: 'string' },
  parameterization: { type: 'string' },
  'time-input': { type: 'string' },
  'sigma-data': { type: 'string' },
  'model-x': { type: 'string' },
  'model-t': { type: 'string' },
  'model-output': { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

export const modelUsage = `--model FILE.onnx [--parameterization eps|x0|v|score|edm] [--time-input t|sigma|logsnr|timestep]
           [--sigma-data X] [--model-x NAME] [--model-t NAME] [--model-output NAME] [--batch-size N]`;

/** The loaded model when --model is given, else undefined (then the model-only flags are refused). */
export async function modelFromFlags(values: Record<string, string | boolean | undefined>): Promise<OnnxScoreModel | undefined> {
  const path = stringOption(values.model, 'model');
  if (path === undefined) {
    for (const k of Object.keys(modelFlags)) if (values[k] !== undefined) throw new InvalidArgumentError(`--${k} applies with --model FILE.onnx only`);
    return undefined;
  }
  return loadOnnxModel({
    model: path,
    parameterization: stringOption(values.parameterization, 'parameterization') as Parameterization | undefined,
    timeInput: stringOption(values['time-input'], 'time-input') as TimeInput | undefined,
    sigmaData: numberOption(values['sigma-data'], 'sigma-data'),
    inputs: { x: stringOption(values['model-x'], 'model-x'), t: stringOption(values['model-t'], 'model-t') },
    output: stringOption(values['model-output'], 'model-output'),
    batchSize: integerOption(values['batch-size'], 'batch-size'),
  });
}
