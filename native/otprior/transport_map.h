// Applying a fitted semi-discrete OT map, and distances to the nearest point of a set.
#pragma once
#include <cstddef>
#include <cstdint>
#include "core/progress.h"
#include "otprior/laguerre_argmax.h"

namespace dw2 {

// Hard map (tau = 0): out_r = y_{argmax_i ⟨z_r, s y_i⟩ + h_i}, the gradient of the Brenier
// potential u_h(z) = max_i ⟨z, s y_i⟩ + h_i (up to the factor s).
// Soft map (tau > 0): out_r = Σ_i softmax_i((⟨z_r, s y_i⟩ + h_i)/τ) y_i, the gradient of the
// smoothed potential τ log Σ exp(·/τ); the softmax subtracts the row maximum, and terms whose
// weight underflows to exactly 0 are skipped. index (hard map only) may be null.
void applyTransportMap(const double* y, const double* h, size_t m, size_t d, double scale, double tau, const double* z, size_t n,
                       double* out, int32_t* index, Progress& progress = noProgress());

// The same map for `rows` source points through cells packed once (packCells(y, h, m, d, scale)):
// scores is rows × m scratch for the soft map; index (rows entries) is required for the hard map.
// Each row's result is the same whatever rows it is mapped with.
void mapRows(const PackedCells& cells, const double* y, double tau, const double* z, size_t rows, double* scores, int32_t* index,
             double* out);

// For each query x_r: the nearest y_i (Euclidean; argmax of ⟨x, y_i⟩ − |y_i|²/2 through the
// Laguerre kernel, ties to the lowest index) and the distance |x_r − y_i| recomputed directly.
void nearestPoints(const double* y, size_t m, const double* x, size_t n, size_t d, int32_t* index, double* distance,
                   Progress& progress = noProgress());

}  // namespace dw2
