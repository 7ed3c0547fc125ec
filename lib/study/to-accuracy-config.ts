/** The `toAccuracy` field of a study config: evaluations needed per sampler to reach tolerances. */
import { InvalidArgumentError } from '../errors.js';
import { accuracyComponents, type AccuracyComponent } from '../accuracy.js';
import { requireInteger, requireOneOf, requirePositive } from '../validate.js';

export interface ToAccuracyConfig {
  /** Tolerances ε on the chosen W2 component (default [0.1, 0.03, 0.01, 0.003, 0.001]). */
  tolerances?: number[];
  /** The component compared with ε (default 'discretization'). */
  component?: AccuracyComponent;
  /** Search budget in score evaluations per run (default 2048). */
  maxNfe?: number;
}

export interface ResolvedToAccuracy {
  tolerances: number[];
  component: AccuracyComponent;
  maxNfe: number;
}

export const defaultTolerances = [0.1, 0.03, 0.01, 0.003, 0.001];

export function resolveToAccuracy(cfg: ToAccuracyConfig | undefined, path = 'toAccuracy'): ResolvedToAccuracy {
  const c = cfg ?? {};
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new InvalidArgumentError(`${path}: must be an object { tolerances?, component?, maxNfe? }`);
  for (const key of Object.keys(c))
    if (!['tolerances', 'component', 'maxNfe'].includes(key)) throw new InvalidArgumentError(`${path}: unknown key '${key}' (known: tolerances, component, maxNfe)`);
  const list = c.tolerances ?? defaultTolerances;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(`${path}.tolerances: must be a non-empty list of numbers > 0`);
  return {
    tolerances: list.map((e, i) => requirePositive(e, `${path}.tolerances[${i}]`)),
    component: requireOneOf(c.component ?? 'discretization', `${path}.component`, accuracyComponents),
    maxNfe: requireInteger(c.maxNfe ?? 2048, `${path}.maxNfe`, 1, 1e8),
  };
}
