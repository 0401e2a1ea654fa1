// Synthetic NIPS papers table (CSV), the second input of the pipeline.
//
// Contract: writes the header `id,year,title,event_type,pdf_name,abstract,
// paper_text` and `records` rows, RFC 4180 quoting (fields with commas,
// quotes or line breaks are quoted; paper_text always spans lines), rows
// ending in "\n". Ids are the integers 1..records in order; years 1987-2017;
// papers before 2008 mostly carry the abstract `Abstract Missing`; event_type
// is empty before 2013 and for most later papers. Output is a pure function
// of (records, seed). Chunks of whole rows go to `sink` in order; memory is
// bounded by the chunk size.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "gen/arxiv_snapshot.h"

namespace arxivflow::gen {

struct NipsOptions {
  uint64_t records = 7241;  // the size of the real table
  uint64_t seed = 0;
};

Status GenerateNipsCsv(const NipsOptions& options, const ChunkSink& sink);

}  // namespace arxivflow::gen
