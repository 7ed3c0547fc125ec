#include "analysis/randomized_moments.h"
#include <algorithm>
#include <atomic>
#include <string>
#include "analysis/affine_form.h"
#include "analysis/direction_blocks.h"
#include "analysis/gaussian_recursion.h"
#include "core/errors.h"
#include "core/parallel_failure.h"
#include "runtime/simd.h"
#include "runtime/threads.h"

namespace dw2::analysis {

namespace {

struct NodeStep {
  StepPlan plan;
  double weight;
  double alpha[2], alpha2[2], sigma2[2];
};

void requireRandomized(Scheme scheme, const Process& process) {
  if (!schemeInfo(scheme).randomized)
    fail(ErrorCode::InvalidArgument, std::string("sampler '") + schemeInfo(scheme).name + "' is not randomized");
  requireSchemeFitsProcess(scheme, process);
}

// The step's plan at every quadrature node.
std::vector<NodeStep> nodeSteps(Scheme scheme, const Process& p, double t0, double t1, const Quadrature& q) {
  std::vector<NodeStep> out(q.nodes.size());
  for (size_t n = 0; n < q.nodes.size(); ++n) {
    PlanOptions o;
    o.u = q.nodes[n];
    NodeStep& ns = out[n];
    buildStepPlan(scheme, p, t0, t1, o, ns.plan);
    if (ns.plan.stages != 2) fail(ErrorCode::Internal, "randomized plans have two stages");
    ns.weight = q.weights[n];
    for (int j = 0; j < 2; ++j) {
      ns.alpha[j] = p.alpha(ns.plan.scoreTime[j]);
      ns.alpha2[j] = ns.alpha[j] * ns.alpha[j];
      ns.sigma2[j] = p.sigma2(ns.plan.scoreTime[j]);
    }
  }
  return out;
}

// a(u), b(u), Σ c(u)² of one node's step for directions [lo, hi).
DW2_SIMD_CLONES void nodeAffine(const NodeStep& ns, const double* lambda, const double* centre, size_t lo, size_t hi, double* a, double* b, double* c2) {
#pragma omp simd
  for (size_t i = lo; i < hi; ++i) {
    const double lam = lambda[i], mu = centre[i];
    const AffineForm out = executePlan<2>(ns.plan, [&](int j) {
      return DirectionScore{1.0 / (ns.alpha2[j] * lam + ns.sigma2[j]), ns.alpha[j] * mu};
    });
    a[i] = out.a;
    b[i] = out.b;
    c2[i] = out.noiseVariance();
  }
}

}  // namespace

CentredMomentMaps randomizedCentredMaps(Scheme scheme, const Process& p, const std::vector<double>& grid, const Quadrature& q,
                                        const ScoreSpectrum& score, Progress& progress) {
  requireRandomized(scheme, p);
  const size_t d = score.d, steps = grid.size() - 1;
  std::vector<std::vector<NodeStep>> plans(steps);
  for (size_t k = 0; k < steps; ++k) plans[k] = nodeSteps(scheme, p, grid[k], grid[k + 1], q);
  CentredMomentMaps maps;
  maps.secondMomentGain.assign(d, 1.0);
  maps.noiseVariance.assign(d, 0.0);
  maps.nfe = 2 * static_cast<long long>(steps);
  double* G = maps.secondMomentGain.data();
  double* V = maps.noiseVariance.data();
  forDirectionBlocks(d, steps, 30.0 * q.nodes.size(), progress, [&](size_t s0, size_t s1, size_t lo, size_t hi) {
    double a[kDirectionBlock], b[kDirectionBlock], c2[kDirectionBlock], ea2[kDirectionBlock], ec2[kDirectionBlock];
    const size_t n = hi - lo;
    for (size_t k = s0; k < s1; ++k) {
      std::fill(ea2, ea2 + n, 0.0);
      std::fill(ec2, ec2 + n, 0.0);
      for (const NodeStep& ns : plans[k]) {
        nodeAffine(ns, score.lambda + lo, score.centre + lo, 0, n, a, b, c2);
        for (size_t i = 0; i < n; ++i) {
          ea2[i] += ns.weight * a[i] * a[i];
          ec2[i] += ns.weight * c2[i];
        }
      }
      for (size_t i = 0; i < n; ++i) {
        G[lo + i] *= ea2[i];
        V[lo + i] = ea2[i] * V[lo + i] + ec2[i];
      }
    }
  });
  return maps;
}

namespace {
// S_ij ← S_ij Σ_q w_q a_qi a_qj + Σ_q w_q y_qi y_qj − m_i m_j on the lower triangle of row i;
// node by node so that the j loop is a plain SIMD loop (gain, shift: scratch of length ≥ i + 1).
DW2_SIMD_CLONES void updateCovarianceRow(size_t i, size_t d, size_t nodes, const double* wa, const double* a, const double* wy, const double* y,
                                         const double* m, double* row, double* gain, double* shift) {
  const size_t n = i + 1;
  for (size_t j = 0; j < n; ++j) gain[j] = shift[j] = 0.0;
  for (size_t q = 0; q < nodes; ++q) {
    const double wai = wa[q * d + i], wyi = wy[q * d + i];
    const double* aq = a + q * d;
    const double* yq = y + q * d;
#pragma omp simd
    for (size_t j = 0; j < n; ++j) {
      gain[j] += wai * aq[j];
      shift[j] += wyi * yq[j];
    }
  }
  const double mi = m[i];
#pragma omp simd
  for (size_t j = 0; j < n; ++j) row[j] = row[j] * gain[j] + shift[j] - mi * m[j];
}
}  // namespace

long long randomizedMomentsFull(Scheme scheme, const Process& p, const std::vector<double>& grid, const Quadrature& q, const ScoreSpectrum& score,
                                double* mean, double* S, Progress& progress) {
  requireRandomized(scheme, p);
  const size_t d = score.d, steps = grid.size() - 1, nodes = q.nodes.size();
  if (d > kRandomizedFullMaxDim)
    fail(ErrorCode::TooLarge, "randomized schemes with a non-centred mean or a non-diagonal start keep a full d × d covariance; d = " +
                                  std::to_string(d) + " exceeds the limit " + std::to_string(kRandomizedFullMaxDim));
  std::vector<double> a(nodes * d), wa(nodes * d), y(nodes * d), wy(nodes * d), b(d), c2(d), ec2(d), m(d);
  const int threads = threadsFor(double(d) * double(d) * nodes, 2.0);
  for (size_t k = 0; k < steps; ++k) {
    const std::vector<NodeStep> plan = nodeSteps(scheme, p, grid[k], grid[k + 1], q);
    std::fill(ec2.begin(), ec2.end(), 0.0);
    std::fill(m.begin(), m.end(), 0.0);
    for (size_t n = 0; n < nodes; ++n) {
      double* an = a.data() + n * d;
      double* yn = y.data() + n * d;
      nodeAffine(plan[n], score.lambda, score.centre, 0, d, an, b.data(), c2.data());
      const double w = plan[n].weight;
      for (size_t i = 0; i < d; ++i) {
        yn[i] = an[i] * mean[i] + b[i];
        wa[n * d + i] = w * an[i];
        wy[n * d + i] = w * yn[i];
        m[i] += w * yn[i];
        ec2[i] += w * c2[i];
      }
    }
    // A step costs d² × nodes: rows check for cancellation so an abort lands mid-step.
    std::atomic<bool> stop{false};
    ParallelFailure failure;
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> gain, shift;
      failure.guard([&] { gain.resize(d), shift.resize(d); });
#pragma omp for schedule(dynamic, 16)
      for (long long i = 0; i < (long long)d; ++i) {
        if (stop.load(std::memory_order_relaxed) || ((i & 15) == 0 && progress.cancelled() && (stop = true))) continue;
        failure.guard([&] {
          updateCovarianceRow(size_t(i), d, nodes, wa.data(), a.data(), wy.data(), y.data(), m.data(), S + size_t(i) * d, gain.data(), shift.data());
        });
      }
    }
    failure.rethrow();
    if (stop) fail(ErrorCode::Aborted, "the operation was aborted");
    for (size_t i = 0; i < d; ++i) {
      S[i * d + i] += ec2[i];
      mean[i] = m[i];
    }
    progress.checkpoint(double(k + 1) / double(steps));
  }
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < i; ++j) S[j * d + i] = S[i * d + j];
  return 2 * static_cast<long long>(steps);
}

bool randomizedMoments(Scheme scheme, const Process& p, const std::vector<double>& grid, const Quadrature& q, const ScoreSpectrum& score, double* mean,
                       double* S, bool forceFull, long long& nfe, Progress& progress) {
  const size_t d = score.d;
  bool centredDiagonal = !forceFull;
  for (size_t i = 0; i < d && centredDiagonal; ++i) {
    centredDiagonal = mean[i] == 0.0 && score.centre[i] == 0.0;
    for (size_t j = 0; j < d && centredDiagonal; ++j) centredDiagonal = i == j || S[i * d + j] == 0.0;
  }
  if (!centredDiagonal) {
    nfe = randomizedMomentsFull(scheme, p, grid, q, score, mean, S, progress);
    return false;
  }
  const CentredMomentMaps maps = randomizedCentredMaps(scheme, p, grid, q, score, progress);
  for (size_t i = 0; i < d; ++i) S[i * d + i] = maps.secondMomentGain[i] * S[i * d + i] + maps.noiseVariance[i];
  nfe = maps.nfe;
  return true;
}

}  // namespace dw2::analysis
