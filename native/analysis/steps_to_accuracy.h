// Evaluations to accuracy: for each sampler and tolerance ε, the fewest steps N (on the
// configured grid family) whose chosen error component is ≤ ε, with the exact analysis of
// spec §7 evaluating one step count at a time. Error curves in N need not be monotone (a bias
// can cross zero and rebound, small N can overshoot, a scheme can be undefined at small N), so
//   1. doubling N = 1, 2, 4, … (up to the budget) stops at the first count within ε, giving the
//      intervals (0, 1], (1, 2], (2, 4], …, the last of which, (L, H], brackets the answer;
//   2. the bracket is narrowed to (n − 1, n] assuming monotonicity there, by log-log
//      interpolation (errors are near power laws in N), safeguarded by bisection;
//   3. `checkPoints` evenly spaced counts are evaluated inside every doubling interval: any
//      count below n already within ε is a dip the doubling stepped over, and valid errors
//      that increase somewhere in the bracket mean the narrowing's assumption fails;
//   4. then every count is scanned upwards (from 1 for a dip, from L + 1 for the bracket) and
//      the first within ε is the answer ('scanned'), unless the scan would exceed `scanWork`
//      direction-steps ('unverified': step 2's answer is kept).
// What the check cannot see is a dip narrower than the sampling of an interval whose samples
// are all above ε. A cache shared by one sampler's tolerances makes several ε cost little
// more than one.
#pragma once
#include <string>
#include <vector>
#include "analysis/cell_errors.h"
#include "analysis/gaussian_data.h"
#include "analysis/prior.h"
#include "grid/grid.h"
#include "process/process.h"
#include "core/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

enum class AccuracyComponent { Discretization, Discrete, Total };

AccuracyComponent parseAccuracyComponent(const std::string& name);

struct AccuracyConfig {
  Process process;
  std::vector<SchemeChoice> schemes;
  GridKind gridKind = GridKind::Uniform;
  double rho = 7.0;
  double tEnd = -1.0;  // < 0: the process's default
  Prior prior = Prior::Exact;
  int quadratureNodes = 8;
  std::vector<double> tolerances;  // ε values, > 0
  AccuracyComponent component = AccuracyComponent::Discretization;
  long long maxNfe = 2048;         // the search budget in score evaluations per run
  int checkPoints = 8;              // per doubling interval
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
