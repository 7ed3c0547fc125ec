#include "schemes/local_linearization_noise_table.h"
#include <cmath>
#include "random/deterministic_math.h"
#include "runtime/simd.h"
#include "schemes/local_linearization_noise.h"

namespace dw2 {

namespace {

// Σ over nodes in localLinearizationNoise's order, vectorized across the n eigenvalues.
// The buffers never alias (__restrict lets the exponentials vectorize across eigenvalues).
DW2_SIMD_CLONES void groupKernel(int nodes, const double* __restrict tau, const double* __restrict u, const double* __restrict w,
                                 const double* __restrict ell, double h, const double* __restrict mu, int n, double* __restrict cW,
                                 double* __restrict cH, double* __restrict rem, double* __restrict k) {
  // Vectorized across the 8 or 16 nodes (a step's Ritz values are often fewer than a vector's lanes).
  for (int e = 0; e < n; ++e) {
    double ke[16];
    const double m = mu[e];
#pragma omp simd
    for (int i = 0; i < 16; ++i) ke[i] = deterministicExp(m * tau[i]) * u[i];
    for (int i = 0; i < nodes; ++i) k[static_cast<size_t>(i) * n + e] = ke[i];
  }
  for (int e = 0; e < n; ++e) cW[e] = 0.0;
  for (int i = 0; i < nodes; ++i) {
    const double* __restrict ki = k + static_cast<size_t>(i) * n;
    for (int e = 0; e < n; ++e) cW[e] += w[i] * ki[e];
  }
  for (int e = 0; e < n; ++e) {
    cW[e] = cW[e] / h;
    cH[e] = 0.0;
    rem[e] = 0.0;
  }
  for (int i = 0; i < nodes; ++i) {
    const double* ki = k + static_cast<size_t>(i) * n;
    for (int e = 0; e < n; ++e) cH[e] += w[i] * (ki[e] - cW[e]) * ell[i];
  }
  for (int e = 0; e < n; ++e) cH[e] = 12.0 * cH[e] / h;
  for (int i = 0; i < nodes; ++i) {
    const double* ki = k + static_cast<size_t>(i) * n;
    for (int e = 0; e < n; ++e) {
      const double r = ki[e] - cW[e] - cH[e] * ell[i];
      rem[e] += w[i] * r * r;
    }
  }
}

}  // namespace

// The nodes of localLinearizationNoise's single panel [0, h], with its expressions.
void LocalLinearizationNoiseTable::reset(double h, double a, double b) {
  h_ = h;
  a_ = a;
  b_ = b;
  const double ua = std::sqrt(fmax(0.0, a)), ub = std::sqrt(fmax(0.0, a + b * h));
  const double rho = ua + ub > 0.0 ? std::fabs(ub - ua) / (ua + ub) : 0.0;
  mildLimit_ = 1.0 + 3.0 * rho;
  const double r0 = 0.0, r1 = h;
  const double u0 = std::sqrt(fmax(0.0, a + b * r0)), u1 = std::sqrt(fmax(0.0, a + b * r1));
  const double sum = u0 + u1;
  const bool empty = !(sum > 0.0) || !(r1 > r0);
  for (int mild = 0; mild < 2; ++mild) {
    Rule& rule = mild ? rule8_ : rule16_;
    rule.nodes = empty ? 0 : (mild ? 8 : kNodes);
    const double du = b * (r1 - r0) / sum;
    for (int i = 0; i < rule.nodes; ++i) {
      const double y = mild ? llnoise::node8(i) : llnoise::node(i), u = u0 + y * du;
      const double r = r0 + y * (r1 - r0) * (u + u0) / sum;
      rule.w[i] = (mild ? llnoise::weight8(i) : llnoise::weight(i)) * 2.0 * u * (r1 - r0) / sum;
      rule.tau[i] = h - r;
      rule.u[i] = u;
      rule.ell[i] = 0.5 - r / h;
    }
  }
}

void LocalLinearizationNoiseTable::group(const Rule& rule, const double* mu, int n, double* cW, double* cH, double* rem,
                                         double* k) const {
  groupKernel(rule.nodes, rule.tau, rule.u, rule.w, rule.ell, h_, mu, n, cW, cH, rem, k);
}

// Sorts the eigenvalues into the 8-node, 16-node and several-panel cases (localLinearizationNoise's
// tests), evaluates each group, and scatters back.
void LocalLinearizationNoiseTable::evaluate(const double* mu, int n, double* cW, double* cH, double* sqrtRemainder,
                                            double* work) const {
  int* index = reinterpret_cast<int*>(work);  // n ints in the first n doubles
  double* gMu = work + n;
  double *gW = gMu + n, *gH = gW + n, *gRem = gH + n, *k = gRem + n;
  for (int pass = 0; pass < 2; ++pass) {
    const Rule& rule = pass == 0 ? rule8_ : rule16_;
    int count = 0;
    for (int e = 0; e < n; ++e) {
      const double z = std::fabs(mu[e]) * h_;
      const bool onePanel = !(z > llnoise::kPanelWidth);
      const bool mild = onePanel && z * mildLimit_ <= 1.0;
      if (onePanel && mild == (pass == 0)) {
        index[count] = e;
        gMu[count++] = mu[e];
      }
    }
    if (count == 0) continue;
    group(rule, gMu, count, gW, gH, gRem, k);
    for (int q = 0; q < count; ++q) {
      cW[index[q]] = gW[q];
      cH[index[q]] = gH[q];
      sqrtRemainder[index[q]] = std::sqrt(gRem[q]);
    }
  }
  for (int e = 0; e < n; ++e) {
    if (!(std::fabs(mu[e]) * h_ > llnoise::kPanelWidth)) continue;
    const LocalLinearizationNoise nz = localLinearizationNoise(h_, mu[e], a_, b_);
    cW[e] = nz.cW;
    cH[e] = nz.cH;
    sqrtRemainder[e] = std::sqrt(nz.remainder);
  }
}

}  // namespace dw2
