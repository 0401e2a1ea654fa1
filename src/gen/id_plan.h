// IdPlan: which arXiv identifier the i-th record of an N-record snapshot gets.
//
// Contract: a pure function of N. Ids are unique and appear in the order of the
// real snapshot (sorted as strings): new-style ids first (`0704.0001`,
// `1501.00001`, ascending), then old-style ids (`hep-th/9901001`) grouped by
// archive. About 20% of the records are old-style. Monthly volumes grow over
// time; the numbering respects arXiv's capacities (4 digits up to 2014,
// 5 digits from 2015, 3 digits per archive and month for old-style ids), and
// if N outgrows the calendar up to 2024-12 more months are appended.
// Immutable after construction; thread-safe for concurrent lookups.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace arxivflow::gen {

struct PaperId {
  char text[32];
  int length = 0;
  int year = 0;     // year and month the id was assigned (the v1 month)
  int month = 0;
  int archive = -1; // index into Pools::archives for old-style ids, else -1
};

class IdPlan {
 public:
  explicit IdPlan(uint64_t records);

  uint64_t records() const { return records_; }
  uint64_t new_style_records() const { return new_records_; }
  // Fills `out` for record `index` (< records()).
  void IdAt(uint64_t index, PaperId* out) const;
  std::string IdString(uint64_t index) const;

 private:
  struct Cell {
    uint64_t start;   // index of the cell's first record
    uint32_t count;
    int16_t year;
    int8_t month;
    int16_t archive;  // -1 for new-style
  };
  uint64_t records_;
  uint64_t new_records_ = 0;
  std::vector<Cell> cells_;  // in file order, non-empty cells only
};

// Splits `total` over buckets proportionally to `weights`, never exceeding
// `caps`; returns the counts (sum == min(total, sum(caps))).
std::vector<uint64_t> AllocateWithCaps(uint64_t total, const std::vector<double>& weights,
                                       const std::vector<uint64_t>& caps);

}  // namespace arxivflow::gen
