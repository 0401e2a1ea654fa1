// Fast deterministic pseudo-random numbers for the synthetic data generator.
//
// Contract: the same seed always yields the same sequence on every platform
// (pure 64-bit integer arithmetic, no std:: distributions, whose output differs
// between standard libraries). Not cryptographic. Not thread-safe: give each
// thread (each block of records) its own Rng seeded with DeriveSeed().
#pragma once

#include <cstdint>

namespace arxivflow::gen {

// One step of SplitMix64: a strong 64-bit mixer, used to expand seeds.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seed for stream `stream` (a block number, a table) derived from `seed`.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  uint64_t s = seed ^ (stream * 0xD1B54A32D192ED03ULL);
  SplitMix64(s);
  return SplitMix64(s);
}

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, good statistical quality.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (auto& x : s_) x = SplitMix64(s);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n > 0. Multiply-shift (Lemire) without the rejection
  // step: the bias is below 2^-32 for the small n used here.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi] (inclusive).
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // Uniform double in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace arxivflow::gen
