#include "analysis/steps_to_accuracy.h"
#include <algorithm>
#include <chrono>
#include <utility>
#include <cmath>
#include <limits>
#include <map>
#include "analysis/cell_errors.h"
#include "analysis/gaussian_recursion.h"
#include "core/progress.h"
#include "core/errors.h"

namespace dw2::analysis {

namespace {

// Cell evaluations see only the cancellation flag: progress is reported per search, as the
// cells of a search are not known in advance.
class CancellationOnly : public Progress {
 public:
  explicit CancellationOnly(Progress& parent) : parent_(parent) {}
  bool cancelled() const override { return parent_.cancelled(); }

 private:
  Progress& parent_;
};

// One sampler's chosen error component as a function of the step count, evaluated on demand
// and cached (NaN for step counts on which the scheme is undefined).
class ErrorCurve {
 public:
  ErrorCurve(const CellSetup& setup, const SchemeChoice& scheme, const AccuracyConfig& cfg, double tEnd, const DiagonalGaussian& atEnd, Progress& progress)
      : setup_(setup), scheme_(scheme), cfg_(cfg), tEnd_(tEnd), atEnd_(atEnd), progress_(progress) {}

  double error(int n) {
    auto it = points_.find(n);
    if (it != points_.end()) return it->second.error;
    const std::vector<double> grid = makeGrid(setup_.process, cfg_.gridKind, n, setup_.T, tEnd_, cfg_.rho);
    const CellErrors c = cellErrors(setup_, scheme_, grid, atEnd_, progress_);
    Point& p = points_[n];
    p.nfe = c.nfe;
    p.invalid = c.invalid;
    p.error = cfg_.component == AccuracyComponent::Discretization ? c.discretization : cfg_.component == AccuracyComponent::Discrete ? c.discrete : c.total[0];
    return p.error;
  }
  // NaN (an invalid row) is never within.
  bool within(int n, double eps) { return error(n) <= eps; }
  bool known(int n) const { return points_.count(n) > 0; }
  long long nfe(int n) const { return points_.at(n).nfe; }
  const std::string& invalid(int n) const { return points_.at(n).invalid; }
  int evaluations() const { return int(points_.size()); }
  // Evaluated step counts in [lo, hi], increasing, with their errors.
  std::vector<std::pair<int, double>> evaluated(int lo, int hi) const {
    std::vector<std::pair<int, double>> out;
    for (auto it = points_.lower_bound(lo); it != points_.end() && it->first <= hi; ++it) out.emplace_back(it->first, it->second.error);
    return out;
  }

 private:
  struct Point {
    double error;
    long long nfe;
    std::string invalid;
  };
  const CellSetup& setup_;
  const SchemeChoice& scheme_;
  const AccuracyConfig& cfg_;
  double tEnd_;
  const DiagonalGaussian& atEnd_;
  Progress& progress_;
  std::map<int, Point> points_;
};

// Step 3: evaluates up to k evenly spaced interior counts of (lo, hi).
void sampleInterval(ErrorCurve& curve, int lo, int hi, int k) {
  for (int j = 1; j <= k; ++j) {
    const int n = lo + int(std::lround(double(j) * (hi - lo) / (k + 1)));
    if (n > lo && n < hi) curve.error(n);
  }
}

// Whether an evaluated count below `answer` is already within ε (a dip the doubling stepped over).
bool dipBelow(const ErrorCurve& curve, int answer, double eps) {
  for (const auto& [n, e] : curve.evaluated(1, answer - 1))
    if (e <= eps) return true;
  return false;
}

// Whether the valid errors evaluated in [lo, hi] never increase.
bool nonIncreasing(const ErrorCurve& curve, int lo, int hi) {
  double previous = INFINITY;
  for (const auto& [n, e] : curve.evaluated(lo, hi)) {
    if (std::isnan(e)) continue;
    if (e > previous) return false;
    previous = e;
  }
  return true;
}

// Step 4: the first count in [from, answer) within ε, scanning upwards inside a work budget
// (work: direction-steps); `answer` is lowered when one is found.
AccuracyCheck scan(ErrorCurve& curve, int from, int& answer, double eps, double workBudget, double workPerStep) {
  double work = 0.0;
  for (int n = std::max(1, from); n < answer; ++n) {
    if (!curve.known(n)) {
      work += workPerStep * n;
      if (work > workBudget) return AccuracyCheck::Unverified;
    }
    if (curve.within(n, eps)) {
      answer = n;
      break;
    }
  }
  return AccuracyCheck::Scanned;
}

// Step 2: shrinks (lo, hi] to hi = lo + 1, keeping lo not within ε and hi within. Errors are
// close to power laws in N, so the next count is the log-log interpolation of ε between the
// ends (regula falsi), safeguarded: after two steps in a row that did not halve the bracket,
// bisect once, so at most ~3 log₂ N evaluations are spent (typically 2 or 3).
void narrowBracket(ErrorCurve& curve, int& lo, int& hi, double eps) {
  int slowSteps = 0;
  while (hi - lo > 1) {
    const int width = hi - lo;
    int next = lo + width / 2;
    if (slowSteps < 2 && lo >= 1) {
      const double eLo = curve.error(lo), eHi = curve.error(hi);
      if (eLo > 0.0 && eHi > 0.0 && eLo > eHi && std::isfinite(eLo)) {
        const double slope = (std::log(double(hi)) - std::log(double(lo))) / (std::log(eHi) - std::log(eLo));
        const double guess = std::ceil(std::exp(std::log(double(lo)) + slope * (std::log(eps) - std::log(eLo))));
        if (std::isfinite(guess)) next = int(std::clamp(guess, double(lo + 1), double(hi - 1)));
      }
    }
    (curve.within(next, eps) ? hi : lo) = next;
    slowSteps = 2 * (hi - lo) <= width ? 0 : slowSteps + 1;
  }
}

AccuracyRow search(ErrorCurve& curve, Scheme scheme, double eps, int nMax, const AccuracyConfig& cfg, size_t d) {
  AccuracyRow row;
  row.scheme = scheme;
  row.tolerance = eps;
  // 1. Doubling: intervals (lo, hi] until hi is within ε; the last one is the bracket.
  std::vector<std::pair<int, int>> intervals;
  int lo = 0, hi = -1;
  for (int n = 1;; n = std::min(2 * n, nMax)) {
    intervals.emplace_back(lo, n);
    if (curve.within(n, eps)) {
      hi = n;
      break;
    }
    lo = n;
    if (n == nMax) break;
  }
  row.evaluations = curve.evaluations();
  if (hi < 0) {
    row.steps = nMax;
    row.nfe = curve.nfe(nMax);
    row.error = curve.error(nMax);
    row.invalid = curve.invalid(nMax);
    return row;
  }
  // 2. Narrowing, 3. sampling every doubling interval for dips and the bracket for monotonicity,
  // 4. a scan where either fails.
  const int bracketLo = lo;
  narrowBracket(curve, lo, hi, eps);
  int answer = hi;
  for (const auto& [a, b] : intervals) sampleInterval(curve, a, b, cfg.checkPoints);
  const double workPerStep = double(d) * schemeInfo(scheme).nfePerStep;
  if (dipBelow(curve, answer, eps))
    row.check = scan(curve, 1, answer, eps, cfg.scanWork, workPerStep);
  else if (!nonIncreasing(curve, std::max(1, bracketLo), intervals.back().second))
    row.check = scan(curve, bracketLo + 1, answer, eps, cfg.scanWork, workPerStep);
  for (const auto& [n, e] : curve.evaluated(answer + 1, nMax))
    if (!(e <= eps)) row.stable = false;
  row.reached = true;
  row.steps = answer;
  row.nfe = curve.nfe(answer);
  row.error = curve.error(answer);
  row.evaluations = curve.evaluations();
  return row;
}

void validate(const AccuracyConfig& cfg, double T, double tEnd) {
  if (cfg.schemes.empty()) fail(ErrorCode::InvalidArgument, "at least one sampler is required");
  if (cfg.tolerances.empty()) fail(ErrorCode::InvalidArgument, "at least one tolerance is required");
  for (double eps : cfg.tolerances)
    if (!(std::isfinite(eps) && eps > 0.0)) fail(ErrorCode::InvalidArgument, "tolerances must be finite and > 0, got " + std::to_string(eps));
  if (cfg.maxNfe < 1) fail(ErrorCode::InvalidArgument, "maxNfe must be >= 1");
  if (cfg.checkPoints < 0) fail(ErrorCode::InvalidArgument, "checkPoints must be >= 0");
  if (!(std::isfinite(tEnd) && tEnd >= 0.0 && tEnd < T))
    fail(ErrorCode::InvalidArgument, "tEnd must be in [0, T) = [0, " + std::to_string(T) + "), got " + std::to_string(tEnd));
  for (const SchemeChoice& s : cfg.schemes) validateChoice(s, cfg.process);
}

}  // namespace

AccuracyComponent parseAccuracyComponent(const std::string& name) {
  if (name == "discretization") return AccuracyComponent::Discretization;
  if (name == "discrete") return AccuracyComponent::Discrete;
  if (name == "total") return AccuracyComponent::Total;
  fail(ErrorCode::InvalidArgument, "component must be 'discretization', 'discrete' or 'total', got '" + name + "'");
}

const char* accuracyCheckName(AccuracyCheck c) {
  switch (c) {
    case AccuracyCheck::Monotone: return "monotone";
    case AccuracyCheck::Scanned: return "scanned";
    default: return "unverified";
  }
}

AccuracyResult stepsToAccuracy(const GaussianData& data, const AccuracyConfig& cfg, Progress& progress) {
  const Process& p = cfg.process;
  const double T = p.T;
  const double tEnd = cfg.tEnd < 0.0 ? defaultTEnd(p) : cfg.tEnd;
  validate(cfg, T, tEnd);
  const CellSetup setup = makeCellSetup(data, p, T, {cfg.prior}, cfg.schemes, cfg.quadratureNodes);
  const DiagonalGaussian atEnd = marginalMoments(p, tEnd, data);
  AccuracyResult result;
  result.warnings = data.warnings;
  result.tEnd = tEnd;
  const size_t S = cfg.schemes.size(), E = cfg.tolerances.size();
  for (size_t s = 0; s < S; ++s) {
    const SchemeChoice& choice = cfg.schemes[s];
    const Scheme scheme = choice.scheme;
    const int perStep = schemeInfo(scheme).nfePerStep;
    const int nMax = int(std::min<long long>(cfg.maxNfe / perStep, 100000000LL));
    ProgressRange schemePart(progress, double(s) / S, double(s + 1) / S);
    CancellationOnly cancellation(progress);
    ErrorCurve curve(setup, choice, cfg, tEnd, atEnd, cancellation);
    for (size_t e = 0; e < E; ++e) {
      const auto start = std::chrono::steady_clock::now();
      AccuracyRow row;
      if (nMax < 1) {  // the budget does not pay for one step
        row.scheme = scheme;
        row.tolerance = cfg.tolerances[e];
        row.error = std::numeric_limits<double>::quiet_NaN();
        row.invalid = "the budget of " + std::to_string(cfg.maxNfe) + " evaluations is less than one step (" + std::to_string(perStep) + ")";
      } else {
        row = search(curve, scheme, cfg.tolerances[e], nMax, cfg, data.d);
      }
      row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      result.rows.push_back(std::move(row));
      schemePart.checkpoint(double(e + 1) / E);
    }
  }
  return result;
}

}  // namespace dw2::analysis
