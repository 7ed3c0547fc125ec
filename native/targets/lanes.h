// Eight doubles as one value (GCC vector extension) for block kernels that keep accumulators in
// registers; the AVX2 and baseline clones split it into narrower registers. Operations are
// elementwise IEEE arithmetic, so each lane computes exactly what scalar code would.
#pragma once

namespace dw2 {

typedef double Lanes8 __attribute__((vector_size(64), aligned(8)));

inline Lanes8* lanes(double* p) { return reinterpret_cast<Lanes8*>(p); }
inline const Lanes8* lanes(const double* p) { return reinterpret_cast<const Lanes8*>(p); }

}  // namespace dw2
