// One local-linearization step (spec §6) for all particles, in blocks of rows:
//   b = −f x + c g² s,  L = −f I + c g² ∇s  (c = 1 for the SDE, ½ for the ODE),
//   M = ½ g⁴ Δs + f′x − (g²)′ s − g² ∂_t s  (SDE),   M = ∂_τ b = f′x − ½(g²)′ s − ½ g² ∂_t s  (ODE),
//   x′ = x + h φ₁(hL) b + h² φ₂(hL) M + η   (no η for the ODE),
//   per-step noise:  η = √Q(hL) z   (local_linearization_step_noise.h: closed form),
//   path noise:      η = c_W(hL) √h z_W + c_H(hL) √(h/12) z_H + v(hL)^{1/2} ξ   (local_linearization_noise.h),
// all at (t_k, x). Both are N(0, Q) given x (c_W² h + c_H² h/12 + v = Q); only the path form can be
// matched to a given Brownian path, and it costs two more vectors (and Lanczos runs) and a quadrature.
// Per-step noise draws z as normalRow({seed, k, kNoiseStageW = 0}, i), z_W's key, so a step stays
// coupled to Euler–Maruyama's increment of the same seed. Path noise takes z_W, z_H from the path
// (sampler/path_noise.h; z_W the increment, z_H the space-time Lévy area) and a fresh ξ (stage
// kNoiseStageRemainder = 2). (W, H) belong
// to the reverse-time Brownian motion on the step, in sampler time τ = T − t (r = τ − τ_k = t_k − t). The matrix
// functions act on the eigenvalues μ of L (dense route: tridiagonal_qr.h, without forming
// eigenvectors) or on the Ritz values of the Lanczos
// tridiagonal matrices of b, M and each noise vector (Krylov route). c_W, c_H, √v come from the
// step's LocalLinearizationNoiseTable (same quadrature, nodes built once per step). Native targets
// give s, ∂_t s, Δs and ∇s in one pass (Target::localDerivatives); the dense route runs the QR
// iterations of kDenseGroup particles interleaved. Neither grouping changes a particle's bits.
// Cached-product route (native targets, LocalModel::hessianCacheSize() > 0): the target leaves a
// per-particle summary of ∇s (diagonal mixtures: diagonal + rank K) so that one product with L
// costs O(K d) and no score work; each of the step's vectors then gets its own adaptive Lanczos
// run (lane_lanczos.h; eight particles in SIMD lanes) to the relative tolerance s.krylovTolerance:
// the drift term h φ₁(hL) b within tol of its own norm, c_W √h z_W (M's term for the ODE) within
// tol · max(own norm, the b term's), M's term, z_H's and ξ's within tol · max(own norm, S), S the
// norms of the first two added up (per-step noise: b, z, M, the √Q(hL) z term in z_W's place). The
// five (three) runs of a particle go in lockstep (cachedGroup); each
// run's first checkpoint is the dimension it needed at the particle's previous step: per-particle
// state, so results stay independent of threads and batch splits. Targets that offer it
// (Target::localDerivativesLanes: diagonal mixtures) give the derivatives and the summary of the
// group's eight particles in lanes too; the lanes' QR iterations are lane_tridiagonal_qr.h.
// Polynomial route (per-step noise and the ODE, lane_chebyshev.h): where a particle's spectral
// interval allows, its two or three terms come from one Chebyshev–Clenshaw recurrence instead of
// the Lanczos runs (the functions interpolated on the interval to the same tolerance, relative to
// each term); the other particles of the group run Lanczos as above (docs/sampling.md).
// Stabilized variant (an extension of spec §6, docs/sampling.md): with cap κ every function
// sees min(μ, κ/h) instead of μ, so a repelling direction grows by at most e^κ per step; where
// hμ ≤ κ (always for L ≤ 0, and for every μ once h is small) the step is unchanged. The noise
// functions see the same capped μ' in both forms, so each is the exact law of its kernel
// e^{μ'(h − r)} g(r): variance c_W² h + c_H² h/12 + v = ∫ e^{2μ'(h − r)} g² dr = Q(hμ') per direction.
#pragma once
#include <memory>
#include <vector>
#include <Eigen/Dense>
#include "runtime/lane_buffer.h"
#include "sampler/lanczos.h"
#include "sampler/lane_chebyshev.h"
#include "sampler/lane_lanczos.h"
#include "sampler/local_model.h"
#include "sampler/tridiagonal_qr.h"
#include "sampler/sampler_setup.h"
#include "schemes/local_linearization_noise_table.h"

namespace dw2 {

constexpr uint32_t kNoiseStageW = 0, kNoiseStageH = 1, kNoiseStageRemainder = 2;

class LocalLinearizationStepper {
 public:
  // Allocates every buffer the steps need.
  enum class Route { Dense, Krylov, Cached };
  // cacheSize, summaryRank: LocalModel::hessianCacheSize() and hessianSummaryRank() of the model the
  // cached route will be given; lanes: that model's target computes derivatives and summary in SIMD
  // lanes (Target::laneScratchSize() > 0), so the cached route takes them per group of 8 rows.
  LocalLinearizationStepper(const SamplerSetup& s, Route route, int threads, size_t cacheSize = 0, size_t summaryRank = 0,
                            bool lanes = false);
  ~LocalLinearizationStepper();
  template <class T>
  void step(LocalModel& model, int k, T* x, SamplerStats& stats);
  size_t blockRows() const { return rows_; }

 private:
  void drawNoise(int k, size_t first, size_t count);
  // jac_ holds ∇s of the block (from derivativesAndJacobians).
  void denseBlock(double h, size_t count);
  void krylovBlock(LocalModel& model, double t, double h, size_t first, size_t count);
  void cachedBlock(LocalModel& model, double t, double h, size_t first, size_t count);
  void driftAndCurvature(size_t firstRow, size_t rows);

 public:
  struct CachedScratch;  // local_linearization_cached.h

 private:
  // What each Lanczos run of the cached route applies to its vector (NoiseStep: √Q, per-step noise).
  enum Kind { Drift, Curvature, NoiseStep, NoiseW, NoiseH, NoiseRemainder };
  // Rows i0 … i0 + lanes − 1 of the block (lanes ≤ 8; particle rows first + i0 … of the run) on the
  // cached route, one per SIMD lane: out_ = x + the step's terms (polynomial or Lanczos per lane).
  void cachedGroup(LocalModel& model, CachedScratch& c, double t, size_t i0, size_t first, int lanes, double h,
                   uint64_t& maxProducts, uint64_t& unconvergedCount);
  void summaryToLanes(CachedScratch& c, size_t i0, int lanes) const;
  // cachedGroup's stages: the step's vectors in lanes; the polynomial lanes; the Lanczos lanes (runs'
  // start vectors and first checkpoints, the checkpoints until every run has stopped, the terms into
  // c.dx); x + the sum of the terms into out_. Lane p of a group holds block row rows[p].
  void vectorsToLanes(CachedScratch& c, size_t i0, int lanes, int count) const;
  void polynomialTerms(CachedScratch& c, const LaneStructuredOperator& op, int lanes, int count, const Kind* kinds, double h,
                       bool* polynomial, int* degree) const;
  void lanczosTerms(CachedScratch& c, const LaneStructuredOperator& op, const double* vectors, const size_t* rows,
                    const bool* lanczos, int lanes, size_t first, double h, uint64_t* products, bool* unconverged);
  void startRuns(CachedScratch& c, size_t first, const size_t* rows, const bool* lanczos, int count, const double* vectors);
  void checkpointRounds(CachedScratch& c, const LaneStructuredOperator& op, int lanes, int count, const Kind* kinds, double h,
                        uint64_t* products, bool* unconverged) const;
  void addRuns(CachedScratch& c, size_t first, const size_t* rows, int lanes, int count);
  void writeRows(const CachedScratch& c, const size_t* rows, const bool* use, const bool* finite, int lanes);
  // Mixed groups' Lanczos lanes, gathered per thread into full groups (deferLane), run by flushDeferred.
  void deferLane(CachedScratch& c, int p, size_t row);
  void flushDeferred(CachedScratch& c, size_t first, double h, uint64_t& maxProducts, uint64_t& unconvergedCount);
  // The checkpoint's small eigenproblems (runs r < count, lanes with c.n[r][p] > 0), then setRitzWeights.
  void solveCheckpoint(CachedScratch& c, int count, const Kind* kinds, double h) const;
  void setRitzWeights(CachedScratch& c, int count, const Kind* kinds, double h) const;
  const SamplerSetup& s_;
  bool dense_, cached_, ode_;
  bool stepNoise_;  // SDE with per-step noise: η = √Q(hL) z (no path to match)
  int vectors_;     // the step's vectors: b, M (+ z, or + z_W, z_H, ξ)
  Kind stepKinds_[5] = {};  // cached route: what each of the step's vectors gets (set per step by cachedBlock)
  std::vector<double> cache_;  // cached route: hessianCacheSize() doubles per row
  std::vector<int> firstCheck_;  // cached route, 5 per particle: each run's first checkpoint (its dimension last step)
  // The polynomial route's interpolants of the step, shared by the threads (lane_chebyshev.h).
  std::unique_ptr<LaneChebyshev::Store> interpolants_;
  std::vector<std::unique_ptr<CachedScratch>> cachedScratch_;  // one per thread
  uint64_t cachedProducts_ = 0, unconverged_ = 0;
  int threads_;
  size_t cacheSize_ = 0, summaryRank_ = 0;
  size_t rows_;  // rows per block
  double f_ = 0, g2_ = 0, g2Slope_ = 0, df_ = 0, c_ = 1;  // of the current step
  bool lanes_;  // cached route in lanes: the derivatives come from the target per group of 8 (cachedGroup)
  LaneBuffer x_, s_score_, dsdt_, lap_, b_, m_, zW_, zH_, xi_, out_;  // rows of d doubles, read and written as lanes
  std::vector<double> jac_;
  std::unique_ptr<BlockLanczos> lanczos_;
  // Scratch of one particle on the dense route: L = H T Hᵀ, the step's vectors in T's basis (rows of Y,
  // row-major: b, M, z_W, z_H, ξ), then in L's eigen-coordinates after tridiagonalQr.
  struct ThreadEigen {
    Eigen::Tridiagonalization<Eigen::MatrixXd> tri;
    Eigen::MatrixXd L, B;
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Y;
    Eigen::VectorXd diag, off, coef, dx;
    std::vector<GivensRotation> rotations;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;  // fallback if the QR iteration does not converge
    // The noise coefficients of the d eigenvalues (per-step noise: √Q in cW, the others unused).
    std::vector<double> mu, cW, cH, sqrtRemainder, noiseWork;
  };
  // Each thread takes kDenseGroup particles at a time, whose QR iterations run interleaved.
  static constexpr int kDenseGroup = 4;
  void denseGroup(ThreadEigen* e, const size_t* rows, int count, double h);
  void toTridiagonalBasis(ThreadEigen& e, size_t o);
  static void reflect(ThreadEigen& e, Eigen::Index i, int m);
  void fromEigenCoordinates(ThreadEigen& e, size_t o, double h, bool converged);
  std::vector<ThreadEigen> eigen_;  // kDenseGroup per thread
  LocalLinearizationNoiseTable noise_;  // of the current step (SDE)
};

// Rows per block so that a block's buffers stay near 32 MB.
size_t localLinearizationBlockRows(size_t n, size_t d, bool dense, int krylovDim);
// Block rows of the cached route (cacheSize doubles per row besides the step's vectors).
size_t localLinearizationCachedBlockRows(size_t n, size_t d, size_t cacheSize);

}  // namespace dw2
