// Evaluations to accuracy: for each sampler and tolerance ε, the fewest steps N (on the
// configured grid family) whose chosen error component is ≤ ε, with the exact analysis of
// spec §7 evaluating one step count at a time. Error curves in N need not be monotone (an
// error can cross zero bias and rebound, a scheme can be undefined at small N), so the search
//   1. doubles N = 1, 2, 4, … up to the budget until the error is ≤ ε (a bracket (N/2, N]),
//   2. narrows the bracket to the smallest N with error ≤ ε assuming monotonicity there (log-log
//      interpolation, as errors are near power laws in N, safeguarded by bisection),
//   3. checks that assumption on up to `checkPoints` evenly spaced step counts of the bracket
//      (with every count evaluated so far, none below the answer may be ≤ ε and the valid
//      errors must not increase), and
//   4. if the check fails, scans every smaller step count upwards and returns the first ≤ ε
//      (within a work budget; beyond it the answer is reported as unverified).
// A cache shared by the tolerances of one sampler means several ε cost little more than one.
#pragma once
#include <string>
#include <vector>
#include "analysis/gaussian_data.h"
#include "analysis/prior.h"
#include "grid/grid.h"
#include "process/process.h"
#include "runtime/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

enum class AccuracyComponent { Discretization, Discrete, Total };

AccuracyComponent parseAccuracyComponent(const std::string& name);

struct AccuracyConfig {
  Process process;
  std::vector<Scheme> schemes;
  GridKind gridKind = GridKind::Uniform;
  double rho = 7.0;
  double tEnd = -1.0;  // < 0: the process's default
  Prior prior = Prior::Exact;
  double eta = 0.0;
  int quadratureNodes = 8;
  std::vector<double> tolerances;  // ε values, > 0
  AccuracyComponent component = AccuracyComponent::Discretization;
  long long maxNfe = 4096;         // the search budget in score evaluations per run
  int checkPoints = 8;
  double scanWork = 1e9;           // the most direction-steps (d × Σ N) a fallback scan may spend
};

enum class AccuracyCheck { Monotone, Scanned, Unverified };
const char* accuracyCheckName(AccuracyCheck c);

struct AccuracyRow {
  Scheme scheme;
  double tolerance;
  bool reached = false;
  int steps = 0;             // the answer (reached) or the largest step count tried
  long long nfe = 0;
  double error = 0.0;        // the component at `steps` (NaN when that row is invalid)
  AccuracyCheck check = AccuracyCheck::Monotone;
  // false when a step count above the answer, among those evaluated, has error > ε again.
  bool stable = true;
  int evaluations = 0;       // distinct step counts evaluated by this sampler's searches so far
  double seconds = 0.0;      // wall-clock of this search (cache hits cost nothing)
  std::string invalid;       // when not reached and the last row tried is invalid: why
};

struct AccuracyResult {
  std::vector<AccuracyRow> rows;  // ordered by sampler, then tolerance as given
  std::vector<std::string> warnings;
  double tEnd = 0.0;
};

AccuracyResult stepsToAccuracy(const GaussianData& data, const AccuracyConfig& config, Progress& progress = noProgress());

}  // namespace dw2::analysis
