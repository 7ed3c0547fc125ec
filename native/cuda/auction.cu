// Jacobi ε-scaling forward auction on the GPU (see auction.h). The ideas of ot/auction.cc
// (Bertsekas' auction, ε-scaling, phases that free only rows violating the new ε), with every
// free row bidding in parallel against the full cost row instead of a candidate list:
//   bid:     one block per free row i finds its best column j1 (value w1 = C(i, j1) + p_j1) and
//            the second-best value w2 over all columns, and bids p = w2 + ε − C(i, j1) (> p_j1);
//            atomicMax on the bid's bits (bids are positive, so the bits order like the values);
//   resolve: among the bidders whose bid equals the column's maximum, atomicMin picks the lowest row
//            (exact bids, no packing: the price is the full double);
//   assign:  the winner takes the column at its bid, the previous owner and the losers are free.
// ε-CS holds for every assigned row after each round, so a complete assignment is within n·ε of
// the optimum; phases end when the total slack Σ_i (own value − row minimum), computed exactly
// with a full pass, is below relGap · primal + absGap. The result is certified on the CPU.
#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <vector>
#include "cuda/auction.h"
#include "cuda/cuda_check.h"
#include "cuda/device.h"

namespace dw2::cuda {

namespace {

constexpr int kThreads = 256;

// ot/cost.h sqDist, with b transposed (coordinate k of column j at bT[k * n + j]).
__device__ inline double cost(const double* ai, const double* bT, size_t n, size_t d, size_t j) {
  double s = 0.0;
  for (size_t k = 0; k < d; ++k) {
    const double t = ai[k] - bT[k * n + j];
    s += t * t;
  }
  return s;
}

struct Best {
  double w1, w2, c1;
  int j1;
};

__device__ inline Best mergeBest(const Best& a, const Best& b) {
  const bool bFirst = b.j1 >= 0 && (a.j1 < 0 || b.w1 < a.w1 || (b.w1 == a.w1 && b.j1 < a.j1));
  const Best& f = bFirst ? b : a;
  const Best& o = bFirst ? a : b;
  Best r = f;
  r.w2 = fmin(f.w2, o.w1);
  return r;
}

// One block per free row: the bid (column, price, cost) and atomicMax on the column's best bid.
__global__ void bidKernel(const int* freeRows, const double* a, const double* bT, const double* p, size_t n, size_t d, double eps,
                          int* bidCol, double* bidVal, double* bidCost, unsigned long long* best) {
  __shared__ double sw1[kThreads], sw2[kThreads], sc1[kThreads];
  __shared__ int sj1[kThreads];
  const int slot = blockIdx.x;
  const int i = freeRows[slot];
  const double* ai = a + size_t(i) * d;
  Best b{INFINITY, INFINITY, 0.0, -1};
  for (size_t j = threadIdx.x; j < n; j += blockDim.x) {
    const double c = cost(ai, bT, n, d, j);
    const double w = c + p[j];
    if (w < b.w1) {
      b.w2 = b.w1;
      b.w1 = w;
      b.j1 = int(j);
      b.c1 = c;
    } else if (w < b.w2) {
      b.w2 = w;
    }
  }
  sw1[threadIdx.x] = b.w1;
  sw2[threadIdx.x] = b.w2;
  sc1[threadIdx.x] = b.c1;
  sj1[threadIdx.x] = b.j1;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      const Best x{sw1[threadIdx.x], sw2[threadIdx.x], sc1[threadIdx.x], sj1[threadIdx.x]};
      const int o = threadIdx.x + half;
      const Best y{sw1[o], sw2[o], sc1[o], sj1[o]};
      const Best m = mergeBest(x, y);
      sw1[threadIdx.x] = m.w1;
      sw2[threadIdx.x] = m.w2;
      sc1[threadIdx.x] = m.c1;
      sj1[threadIdx.x] = m.j1;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    const int j1 = sj1[0];
    const double pj = p[j1];
    double price = (sw2[0] + eps) - sc1[0];
    if (!(price > pj)) price = fmax(pj + eps, nextafter(pj, INFINITY));  // round-off guard: prices strictly rise
    bidCol[slot] = j1;
    bidVal[slot] = price;
    bidCost[slot] = sc1[0];
    atomicMax(best + j1, static_cast<unsigned long long>(__double_as_longlong(price)));
  }
}

__global__ void resolveKernel(const int* freeRows, int count, const int* bidCol, const double* bidVal, const unsigned long long* best,
                              int* winner) {
  const int slot = blockIdx.x * blockDim.x + threadIdx.x;
  if (slot >= count) return;
  const int j = bidCol[slot];
  if (static_cast<unsigned long long>(__double_as_longlong(bidVal[slot])) == best[j]) atomicMin(winner + j, freeRows[slot]);
}

__global__ void assignKernel(const int* freeRows, int count, const int* bidCol, const double* bidVal, const double* bidCost, double* p,
                             int* owner, int* assigned, double* assignedCost, unsigned long long* best, int* winner, int* nextFree,
                             int* nextCount) {
  const int slot = blockIdx.x * blockDim.x + threadIdx.x;
  if (slot >= count) return;
  const int i = freeRows[slot], j = bidCol[slot];
  if (winner[j] != i) {
    nextFree[atomicAdd(nextCount, 1)] = i;
    return;
  }
  const int prev = owner[j];
  owner[j] = i;
  assigned[i] = j;
  assignedCost[i] = bidCost[slot];
  p[j] = bidVal[slot];
  best[j] = 0ull;
  winner[j] = INT_MAX;
  if (prev >= 0) {
    assigned[prev] = -1;
    nextFree[atomicAdd(nextCount, 1)] = prev;
  }
}

// One block per row: lowest[i] = min_j (C(i, j) + p_j); mean[i] = Σ_j C(i, j) / n when mean is set.
__global__ void rowKernel(const double* a, const double* bT, const double* p, size_t n, size_t d, double* lowest, double* mean) {
  __shared__ double smin[kThreads], ssum[kThreads];
  const size_t i = blockIdx.x;
  const double* ai = a + i * d;
  double lo = INFINITY, sum = 0.0;
  for (size_t j = threadIdx.x; j < n; j += blockDim.x) {
    const double c = cost(ai, bT, n, d, j);
    lo = fmin(lo, c + p[j]);
    sum += c;
  }
  smin[threadIdx.x] = lo;
  ssum[threadIdx.x] = sum;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      smin[threadIdx.x] = fmin(smin[threadIdx.x], smin[threadIdx.x + half]);
      ssum[threadIdx.x] += ssum[threadIdx.x + half];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    lowest[i] = smin[0];
    if (mean) mean[i] = ssum[0] / double(n);
  }
}

__global__ void fillKernel(unsigned long long* best, int* winner, size_t n) {
  const size_t j = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  if (j < n) {
    best[j] = 0ull;
    winner[j] = INT_MAX;
  }
}

template <class T>
void toDevice(DeviceBuffer<T>& dst, const std::vector<T>& src, const char* what) {
  check(cudaMemcpy(dst.get(), src.data(), src.size() * sizeof(T), cudaMemcpyHostToDevice), what);
}
template <class T>
void toHost(std::vector<T>& dst, const DeviceBuffer<T>& src, const char* what) {
  check(cudaMemcpy(dst.data(), src.get(), dst.size() * sizeof(T), cudaMemcpyDeviceToHost), what);
}

int blocksFor(size_t work) { return static_cast<int>((work + kThreads - 1) / kThreads); }

}  // namespace

void auctionAssign(const double* a, const double* b, size_t n, size_t d, double maxCostBound, const GpuAuctionOptions& opts,
                   std::vector<int64_t>& col4row, std::vector<double>& prices, GpuAuctionStats& stats, Progress& progress) {
  requireDevice();
  if (n > size_t(INT_MAX)) fail(ErrorCode::TooLarge, "the GPU auction handles at most 2^31 - 1 points");
  col4row.assign(n, -1);
  prices.assign(n, 0.0);
  stats = GpuAuctionStats{};
  if (n == 0) return;
  if (n == 1) {
    col4row[0] = 0;
    return;
  }

  std::vector<double> bT(n * d);
  for (size_t j = 0; j < n; ++j)
    for (size_t k = 0; k < d; ++k) bT[k * n + j] = b[j * d + k];
  DeviceBuffer<double> dA(n * d), dBT(n * d), dP(n), dAssignedCost(n), dBidVal(n), dBidCost(n), dLowest(n), dMean(n);
  DeviceBuffer<int> dOwner(n), dAssigned(n), dWinner(n), dBidCol(n), dFreeA(n), dFreeB(n), dCount(1);
  DeviceBuffer<unsigned long long> dBest(n);
  check(cudaMemcpy(dA.get(), a, n * d * sizeof(double), cudaMemcpyHostToDevice), "copy a to device");
  toDevice(dBT, bT, "copy b to device");
  std::vector<double> p(n, 0.0), assignedCost(n, 0.0), lowest(n), mean(n);
  std::vector<int> owner(n, -1), assigned(n, -1), freeRows(n);
  toDevice(dP, p, "copy prices");
  toDevice(dOwner, owner, "copy owners");
  toDevice(dAssigned, assigned, "copy assignment");
  toDevice(dAssignedCost, assignedCost, "copy costs");
  fillKernel<<<blocksFor(n), kThreads>>>(dBest.get(), dWinner.get(), n);
  check(cudaGetLastError(), "auction init");

  // Starting ε: a typical spread of a row's best candidates, estimated from the row minima and
  // means (an ε far above the differences that matter only scrambles prices later phases undo).
  rowKernel<<<int(n), kThreads>>>(dA.get(), dBT.get(), dP.get(), n, d, dLowest.get(), dMean.get());
  check(cudaGetLastError(), "auction row kernel");
  toHost(lowest, dLowest, "copy row minima");
  toHost(mean, dMean, "copy row means");
  double spread = 0.0;
  for (size_t i = 0; i < n; ++i) spread += (mean[i] - lowest[i]) / double(n);
  const double cmax = maxCostBound;
  double eps = std::min(cmax / 16.0, spread * std::pow(16.0 / double(n), std::min(1.0, 2.0 / double(d))));
  if (!(eps > 0)) eps = cmax / 16.0;
  if (!(eps > 0)) eps = 1e-300;
  const uint64_t maxBids = opts.maxBids ? opts.maxBids : uint64_t(200) * n * 64 + 1000000;
  const double logSpan = std::log(std::max(2.0, cmax * double(n) / std::max(opts.absGap, 1e-300)));
  const double eps0 = eps;

  int numFree = int(n);
  for (size_t i = 0; i < n; ++i) freeRows[i] = int(i);
  toDevice(dFreeA, freeRows, "copy free rows");
  int* cur = dFreeA.get();
  int* next = dFreeB.get();
  for (;;) {
    ++stats.phases;
    while (numFree > 0) {
      bidKernel<<<numFree, kThreads>>>(cur, dA.get(), dBT.get(), dP.get(), n, d, eps, dBidCol.get(), dBidVal.get(), dBidCost.get(),
                                       dBest.get());
      check(cudaGetLastError(), "auction bid kernel");
      resolveKernel<<<blocksFor(size_t(numFree)), kThreads>>>(cur, numFree, dBidCol.get(), dBidVal.get(), dBest.get(), dWinner.get());
      check(cudaGetLastError(), "auction resolve kernel");
      check(cudaMemset(dCount.get(), 0, sizeof(int)), "auction counter");
      assignKernel<<<blocksFor(size_t(numFree)), kThreads>>>(cur, numFree, dBidCol.get(), dBidVal.get(), dBidCost.get(), dP.get(),
                                                            dOwner.get(), dAssigned.get(), dAssignedCost.get(), dBest.get(),
                                                            dWinner.get(), next, dCount.get());
      check(cudaGetLastError(), "auction assign kernel");
      stats.bids += uint64_t(numFree);
      ++stats.rounds;
      check(cudaMemcpy(&numFree, dCount.get(), sizeof(int), cudaMemcpyDeviceToHost), "auction round");
      std::swap(cur, next);
      if (stats.bids > maxBids) {
        stats.exhausted = true;
        break;
      }
      const double phaseFrac = std::min(1.0, std::log(eps0 / eps) / logSpan);
      progress.checkpoint(0.2 + 0.8 * phaseFrac);
    }
    if (stats.exhausted) break;

    // The total slack Σ_i (own value − row minimum): an upper bound on the gap to the optimum.
    rowKernel<<<int(n), kThreads>>>(dA.get(), dBT.get(), dP.get(), n, d, dLowest.get(), nullptr);
    check(cudaGetLastError(), "auction row kernel");
    toHost(lowest, dLowest, "copy row minima");
    toHost(p, dP, "copy prices");
    toHost(assigned, dAssigned, "copy assignment");
    toHost(assignedCost, dAssignedCost, "copy costs");
    toHost(owner, dOwner, "copy owners");
    double gap = 0.0, primal = 0.0;
    for (size_t i = 0; i < n; ++i) {
      gap += assignedCost[i] + p[size_t(assigned[i])] - lowest[i];
      primal += assignedCost[i];
    }
    stats.gapEstimate = gap;
    stats.finalEpsilon = eps;
    const double target = opts.relGap * primal + opts.absGap;
    if (gap <= target) break;
    const double floorEps = 0.5 * target / double(n);
    if (eps <= floorEps) break;  // gap <= n · ε: only round-off can get here
    eps = std::max(eps / opts.epsilonDivisor, floorEps);
    // Free every row whose slack exceeds the new ε.
    numFree = 0;
    for (size_t i = 0; i < n; ++i) {
      const int j = assigned[i];
      if (assignedCost[i] + p[size_t(j)] - lowest[i] > eps) {
        owner[size_t(j)] = -1;
        assigned[i] = -1;
        freeRows[size_t(numFree++)] = int(i);
      }
    }
    toDevice(dOwner, owner, "copy owners");
    toDevice(dAssigned, assigned, "copy assignment");
    check(cudaMemcpy(cur, freeRows.data(), size_t(numFree) * sizeof(int), cudaMemcpyHostToDevice), "copy free rows");
  }

  toHost(p, dP, "copy prices");
  toHost(assigned, dAssigned, "copy assignment");
  for (size_t i = 0; i < n; ++i) col4row[i] = assigned[i];
  prices = p;
  progress.checkpoint(1.0);
}

}  // namespace dw2::cuda
