// Non-randomized linear-stage schemes on Gaussian data: each step's StepPlan is built once
// (the same plan the particle sampler executes) and run on the affine form of every
// eigen-direction in a SIMD loop.
#include "analysis/gaussian_recursion.h"
#include <string>
#include "analysis/affine_form.h"
#include "analysis/direction_blocks.h"
#include "analysis/joint_form.h"
#include "core/errors.h"
#include "runtime/simd.h"

namespace dw2::analysis {

namespace {

// A step's plan with the process coefficients its score evaluations need.
struct PreparedStep {
  StepPlan plan;
  double alpha[kMaxStages];
  double alpha2[kMaxStages];
  double sigma2[kMaxStages];
};

// always_inline: each SIMD clone below must get its own copy of the loop, compiled for its ISA.
template <int Stages>
__attribute__((always_inline)) inline void applyStep(const PreparedStep& st, const double* lambda, const double* centre, size_t lo, size_t hi, double* A,
                      double* B, double* V) {
#pragma omp simd
  for (size_t i = lo; i < hi; ++i) {
    const double lam = lambda[i], mu = centre[i];
    const AffineForm out = executePlan<Stages>(st.plan, [&](int j) {
      return DirectionScore{1.0 / (st.alpha2[j] * lam + st.sigma2[j]), st.alpha[j] * mu};
    });
    A[i] = out.a * A[i];
    B[i] = out.a * B[i] + out.b;
    V[i] = out.a * out.a * V[i] + out.noiseVariance();
  }
}

DW2_SIMD_CLONES void applyStepOne(const PreparedStep& st, const double* l, const double* c, size_t lo, size_t hi, double* A, double* B, double* V) {
  applyStep<1>(st, l, c, lo, hi, A, B, V);
}
DW2_SIMD_CLONES void applyStepTwo(const PreparedStep& st, const double* l, const double* c, size_t lo, size_t hi, double* A, double* B, double* V) {
  applyStep<2>(st, l, c, lo, hi, A, B, V);
}
DW2_SIMD_CLONES void applyStepThree(const PreparedStep& st, const double* l, const double* c, size_t lo, size_t hi, double* A, double* B, double* V) {
  applyStep<3>(st, l, c, lo, hi, A, B, V);
}
DW2_SIMD_CLONES void applyStepFour(const PreparedStep& st, const double* l, const double* c, size_t lo, size_t hi, double* A, double* B, double* V) {
  applyStep<4>(st, l, c, lo, hi, A, B, V);
}

std::vector<PreparedStep> prepareSteps(Scheme scheme, const Process& p, const std::vector<double>& grid, const PlanOptions& options) {
  std::vector<PreparedStep> steps(grid.size() - 1);
  for (size_t k = 0; k + 1 < grid.size(); ++k) {
    PreparedStep& st = steps[k];
    buildStepPlan(scheme, p, grid, static_cast<int>(k), options, st.plan);
    if (st.plan.stages < 1 || st.plan.stages > kMaxStages)
      fail(ErrorCode::Internal, "unexpected stage count " + std::to_string(st.plan.stages));
    for (int j = 0; j < kMaxStages; ++j) {
      const double t = j < st.plan.stages ? st.plan.scoreTime[j] : grid[k];
      st.alpha[j] = p.alpha(t);
      st.alpha2[j] = st.alpha[j] * st.alpha[j];
      st.sigma2[j] = p.sigma2(t);
    }
  }
  return steps;
}

// Plans with history or a perturbed input: the K×K joint recursion of joint_form.h, per
// direction, with K = 1 + history slots. The run's map is the x row of the joint state.
void jointMaps(const std::vector<PreparedStep>& steps, int K, double flops, const ScoreSpectrum& score, Progress& progress, DirectionMaps& maps) {
  const size_t d = score.d;
  std::vector<double> gain(d * K, 0.0), offset(d * K, 0.0), cov(d * K * K, 0.0);
  for (size_t i = 0; i < d; ++i) gain[i * K] = 1.0;
  forDirectionBlocks(d, steps.size(), flops, progress, [&](size_t s0, size_t s1, size_t lo, size_t hi) {
    JointForm next[kMaxJoint];
    for (size_t k = s0; k < s1; ++k) {
      const PreparedStep& st = steps[k];
      for (size_t i = lo; i < hi; ++i) {
        const double lam = score.lambda[i], mu = score.centre[i];
        executeJointPlan(st.plan, K, [&](int j) { return DirectionScore{1.0 / (st.alpha2[j] * lam + st.sigma2[j]), st.alpha[j] * mu}; }, next);
        applyJointStep(next, K, &gain[i * K], &offset[i * K], &cov[i * K * K]);
      }
    }
  });
  for (size_t i = 0; i < d; ++i) {
    maps.gain[i] = gain[i * K];
    maps.offset[i] = offset[i * K];
    maps.noiseVariance[i] = cov[i * K * K];
  }
}

}  // namespace

void requireSchemeFitsProcess(Scheme scheme, const Process& process) {
  const SchemeInfo& info = schemeInfo(scheme);
  if (info.vpOnly && !process.variancePreserving())
    fail(ErrorCode::InvalidArgument, std::string("sampler '") + info.name + "' is defined for the vp and ou processes only, not '" + process.name() + "'");
}

DirectionMaps schemeMaps(Scheme scheme, const Process& process, const std::vector<double>& grid, double eta, const ScoreSpectrum& score,
                         Progress& progress) {
  PlanOptions options;
  options.eta = eta;
  return schemeMaps(scheme, process, grid, options, score, progress);
}

DirectionMaps schemeMaps(Scheme scheme, const Process& process, const std::vector<double>& grid, const PlanOptions& planOptions,
                         const ScoreSpectrum& score, Progress& progress) {
  const SchemeInfo& info = schemeInfo(scheme);
  requireSchemeFitsProcess(scheme, process);
  validateSchemeOptions(scheme, process, planOptions);
  if (info.randomized)
    fail(ErrorCode::InvalidArgument, std::string("sampler '") + info.name + "' is randomized: its output is a mixture, use the moment recursion");
  if (scheme->usesHessian)
    return localLinearizationMaps(scheme->ode, process, grid, score, progress);
  if (grid.size() < 2) fail(ErrorCode::InvalidArgument, "a grid needs at least 2 times");

  PlanOptions options = planOptions;
  options.scoreDefinedAtZero = score.definedAtZero;
  const std::vector<PreparedStep> steps = prepareSteps(scheme, process, grid, options);
  DirectionMaps maps;
  maps.resetIdentity(score.d);
  bool joint = info.historySlots > 0;
  for (const PreparedStep& st : steps) {
    maps.nfe += st.plan.stages;
    maps.fellBack = maps.fellBack || st.plan.fellBack;
    joint = joint || st.plan.perturbsInput;
  }
  if (joint) {
    const int K = 1 + info.historySlots;
    jointMaps(steps, K, 12.0 * info.nfePerStep + 4.0 * K * K * K, score, progress, maps);
    return maps;
  }
  double* A = maps.gain.data();
  double* B = maps.offset.data();
  double* V = maps.noiseVariance.data();
  forDirectionBlocks(score.d, steps.size(), 12.0 * info.nfePerStep, progress, [&](size_t s0, size_t s1, size_t lo, size_t hi) {
    for (size_t k = s0; k < s1; ++k) {
      const PreparedStep& st = steps[k];
      switch (st.plan.stages) {
        case 1: applyStepOne(st, score.lambda, score.centre, lo, hi, A, B, V); break;
        case 2: applyStepTwo(st, score.lambda, score.centre, lo, hi, A, B, V); break;
        case 3: applyStepThree(st, score.lambda, score.centre, lo, hi, A, B, V); break;
        default: applyStepFour(st, score.lambda, score.centre, lo, hi, A, B, V); break;
      }
    }
  });
  return maps;
}

}  // namespace dw2::analysis
