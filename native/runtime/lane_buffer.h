// Storage for SIMD-lane data (targets/lanes.h: 8 doubles, 64 bytes, per coordinate): a std::vector
// whose first element sits on a 64-byte boundary, so that every 8-double lane vector at a multiple
// of 8 doubles lies in one cache line. std::allocator only promises 16 bytes; a lane vector that
// straddles two lines costs a split load or store every time, and where it falls changed from run
// to run with the addresses malloc returned (one-run timings of the cached local-linearization
// route spread by ±15%).
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace dw2 {

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::size_t kAlignment = 64;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(kAlignment))); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(kAlignment)); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const CacheLineAllocator<U>&) const { return false; }
};

// Lane data: doubles from a 64-byte boundary.
using LaneBuffer = std::vector<double, CacheLineAllocator<double>>;

// n doubles rounded up to whole lane vectors (8 doubles): offsets of lane data inside one buffer
// stay on 64-byte boundaries.
inline std::size_t wholeLanes(std::size_t n) { return (n + 7) / 8 * 8; }

}  // namespace dw2
