// Synthetic arXiv snapshot generation: N records as JSON Lines.
//
// Contract: the output is a pure function of (records, seed): records are
// generated in blocks of kRecordsPerBlock, block b from its own Rng seeded
// with DeriveSeed(seed, b), so any number of threads produces the same bytes.
// Blocks reach `sink` strictly in order, each as one chunk of whole lines.
// A sink error stops generation and is returned. Memory stays bounded
// (about 2 blocks per thread, ~8 MB each) whatever N is.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/status.h"
#include "gen/id_plan.h"
#include "gen/out_buffer.h"

namespace arxivflow::gen {

inline constexpr uint64_t kRecordsPerBlock = 4096;
// Ids run out (they would need years past 2099) well above this.
inline constexpr uint64_t kMaxRecords = 50'000'000;

struct SnapshotOptions {
  uint64_t records = 0;
  uint64_t seed = 0;
  int threads = 2;  // generator threads; 1 generates on the calling thread
};

using ChunkSink = std::function<Status(std::string_view bytes)>;

Status GenerateArxivSnapshot(const SnapshotOptions& options, const ChunkSink& sink);

// Generates block `block` of the plan (records [block*kRecordsPerBlock, ...))
// into `out` (cleared first). Exposed for tests and custom drivers.
void GenerateArxivBlock(const IdPlan& plan, uint64_t seed, uint64_t block, OutBuffer* out);

}  // namespace arxivflow::gen
