#include "parquet/page_crc.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace arxivflow::parquet {

uint32_t Crc32UpdatePortable(uint32_t crc, std::string_view bytes) {
  return static_cast<uint32_t>(crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

#if defined(__x86_64__)
namespace {

// Folding. Read as little-endian 128-bit lanes, the input's bits are the
// coefficients of the message polynomial, highest degree first (a reflected
// CRC). A lane d bits ahead of another is worth lane * x^d; modulo P it can be
// folded onto the later lane by two carry-less products of its 64-bit halves
// with K(d + 32) and K(d - 32), where K(e) = (x^e mod P) bit-reflected in 32
// bits and shifted left by one (a product of reflected operands comes out one
// bit low). What is left after the last fold is a 16-byte message with the
// same CRC as everything folded so far, started from a zero register, which
// zlib finishes. Tests compare with zlib at every length and offset.
constexpr uint64_t kFold512Lo = 0x154442bd4;  // K(4 * 128 + 32)
constexpr uint64_t kFold512Hi = 0x1c6e41596;  // K(4 * 128 - 32)
constexpr uint64_t kFold128Lo = 0x1751997d0;  // K(128 + 32)
constexpr uint64_t kFold128Hi = 0x0ccaa009e;  // K(128 - 32)

__attribute__((target("pclmul,sse2"))) inline __m128i Fold(__m128i lane, __m128i k, __m128i next) {
  const __m128i lo = _mm_clmulepi64_si128(lane, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(lane, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

__attribute__((target("pclmul,sse2"))) uint32_t Crc32Clmul(uint32_t crc, const char* p, size_t n) {
  auto load = [](const char* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); };
  __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(~crc)));
  __m128i x1 = load(p + 16), x2 = load(p + 32), x3 = load(p + 48);
  p += 64;
  n -= 64;
  const __m128i k512 = _mm_set_epi64x(static_cast<long long>(kFold512Hi), static_cast<long long>(kFold512Lo));
  for (; n >= 64; p += 64, n -= 64) {
    x0 = Fold(x0, k512, load(p));
    x1 = Fold(x1, k512, load(p + 16));
    x2 = Fold(x2, k512, load(p + 32));
    x3 = Fold(x3, k512, load(p + 48));
  }
  const __m128i k128 = _mm_set_epi64x(static_cast<long long>(kFold128Hi), static_cast<long long>(kFold128Lo));
  __m128i x = Fold(x0, k128, x1);
  x = Fold(x, k128, x2);
  x = Fold(x, k128, x3);
  for (; n >= 16; p += 16, n -= 16) x = Fold(x, k128, load(p));
  alignas(16) char rest[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(rest), x);
  // zlib inverts the register on entry: ~0 starts it from zero.
  const uint32_t folded = Crc32UpdatePortable(0xFFFFFFFFu, std::string_view(rest, 16));
  return Crc32UpdatePortable(folded, std::string_view(p, n));
}

const bool kHasClmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");

}  // namespace

uint32_t Crc32Update(uint32_t crc, std::string_view bytes) {
  if (bytes.size() < 64 || !kHasClmul) return Crc32UpdatePortable(crc, bytes);
  return Crc32Clmul(crc, bytes.data(), bytes.size());
}
#else
uint32_t Crc32Update(uint32_t crc, std::string_view bytes) { return Crc32UpdatePortable(crc, bytes); }
#endif

}  // namespace arxivflow::parquet
