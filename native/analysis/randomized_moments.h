// Exact first and second moments of the randomized schemes (REM, REI) on Gaussian data.
// Given the step's uniform u the step is affine per direction, x′ = a(u) x + b(u) + c(u)·Z,
// but u is shared by all coordinates of a particle, so the output is a mixture whose
// covariance couples directions:
//   m′ = E_u[a m + b],   S′_ij = E_u[a_i a_j] S_ij + E_u[y_i y_j] − m′_i m′_j + δ_ij E_u[c_i²],
// with y = a m + b; E_u is Gauss–Legendre quadrature on [0, 1] (exact up to its error, which
// falls geometrically in the number of nodes). Each per-u map is the StepPlan built with
// buildStepPlan(…, {u}). When the score centres and the start mean are 0 and the start
// covariance is diagonal, y = 0 and S stays diagonal: v′ = E_u[a²] v + E_u[c²] in O(d).
#pragma once
#include <vector>
#include "analysis/direction_maps.h"
#include "analysis/gauss_legendre.h"
#include "process/process.h"
#include "core/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

// The full path keeps a d × d covariance: O(nodes · d² · steps) work.
constexpr size_t kRandomizedFullMaxDim = 2048;

// Centred case: v_end = secondMomentGain · v_T + noiseVariance per direction (mean stays 0).
struct CentredMomentMaps {
  std::vector<double> secondMomentGain, noiseVariance;
  long long nfe = 0;
};

CentredMomentMaps randomizedCentredMaps(Scheme scheme, const Process& process, const std::vector<double>& grid, const Quadrature& quadrature,
                                        const ScoreSpectrum& score, Progress& progress = noProgress());

// General case: mean (d) and covariance (row-major d × d, symmetric) advanced in place from
// T to t_end. Returns the NFE. Throws TOO_LARGE above kRandomizedFullMaxDim.
long long randomizedMomentsFull(Scheme scheme, const Process& process, const std::vector<double>& grid, const Quadrature& quadrature,
                                const ScoreSpectrum& score, double* mean, double* covariance, Progress& progress = noProgress());

// Either path, chosen by the structure: the centred O(d) path when the score centres and the
// start mean are 0 and the start covariance is diagonal (unless forceFull), else the full one.
// Updates mean and covariance in place; returns whether the diagonal path was taken.
bool randomizedMoments(Scheme scheme, const Process& process, const std::vector<double>& grid, const Quadrature& quadrature, const ScoreSpectrum& score,
                       double* mean, double* covariance, bool forceFull, long long& nfe, Progress& progress = noProgress());

}  // namespace dw2::analysis
