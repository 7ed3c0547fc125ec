// Exact collapsing of duplicated points. Identical points (equal in every coordinate)
// have identical costs to everything, so merging them into one atom carrying their
// total mass changes neither the optimal value nor the dual problem: a plan between
// atoms splits back into a plan between points of the same cost, and every member of
// an atom takes the atom's potential. Quantised data, empirical targets sampled at
// t = 0 and integer lattices shrink from n x m points to a few atoms.
//
// Masses are carried in "supply units": integers when a side has uniform weights
// (1 per point for square problems, the other side's size otherwise), so that the
// network simplex moves whole units exactly and the expanded plan of a uniform n = n
// problem is exactly a permutation.
#pragma once
#include <cstdint>
#include <vector>
#include "ot/certificate.h"
#include "ot/cost.h"

namespace dw2::ot {

struct Atoms {
  size_t d = 0;
  std::vector<double> x;               // one representative per atom, row-major
  std::vector<double> supply;          // total supply of the members
  std::vector<int64_t> start, member;  // members of atom t: member[start[t] .. start[t + 1]), in index order
  size_t count() const { return supply.size(); }
  Cloud cloud() const { return Cloud{x.data(), count(), d}; }
  int64_t representative(int64_t t) const { return member[size_t(start[size_t(t)])]; }
};

// Groups identical points (-0 and +0 count as equal). pointSupply[i] is point i's supply.
Atoms collapseDuplicates(const Cloud& c, const std::vector<double>& pointSupply);

// The number of distinct points, without building the atoms.
size_t distinctPoints(const Cloud& c);

// Splits an atom plan (flows in supply units) into a plan between points, moving whole
// member supplies in index order (north-west corner inside each atom pair); masses are
// divided by `total` (the common supply total). pointSupplyA/B: the points' supplies.
SparsePlan expandPlan(const SparsePlan& atomPlan, const Atoms& A, const std::vector<double>& pointSupplyA,
                      const Atoms& B, const std::vector<double>& pointSupplyB, double total);

// Every member takes its atom's potential.
std::vector<double> expandPotentials(const std::vector<double>& atomPotential, const Atoms& A, size_t points);

}  // namespace dw2::ot
