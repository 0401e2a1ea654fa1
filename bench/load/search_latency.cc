// Latency of the Data page's two warehouse reads on a loaded SQLite
// warehouse, the way the server makes them (a fresh WarehouseReader per
// request): the table counts, and paper search with a query mix drawn from
// the warehouse's own titles (so common words are as common as in the data):
// 40% one word, 35% two words of one title, 15% three, 10% a word's first four
// letters as a prefix ("neur*"), first page of 25. One warm-up pass, then the
// measured pass; prints p50/p95/p99/max in milliseconds.
//
//   search_latency WAREHOUSE.db [QUERIES] [SEED]
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "warehouse/reader.h"

using arxivflow::warehouse::WarehouseReader;

namespace {

std::vector<std::string> Words(const std::string& title) {
  std::vector<std::string> out;
  std::string w;
  for (char c : title + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (w.size() >= 3) out.push_back(w);
      w.clear();
    }
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void Print(const char* what, const std::vector<double>& ms) {
  std::printf("%-8s n=%zu  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n", what, ms.size(),
              Percentile(ms, 0.50), Percentile(ms, 0.95), Percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: search_latency WAREHOUSE.db [QUERIES] [SEED]\n");
    return 2;
  }
  const std::string db_path = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  std::mt19937_64 rng(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1);

  // The query mix, from random titles.
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return 1;
  sqlite3_stmt* max_stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT MAX(rowid) FROM titles", -1, &max_stmt, nullptr);
  sqlite3_step(max_stmt);
  const int64_t max_rowid = sqlite3_column_int64(max_stmt, 0);
  sqlite3_finalize(max_stmt);
  sqlite3_stmt* title = nullptr;
  sqlite3_prepare_v2(db, "SELECT title FROM titles WHERE rowid = ?", -1, &title, nullptr);
  std::vector<std::string> queries;
  std::uniform_int_distribution<int64_t> pick_row(1, std::max<int64_t>(1, max_rowid));
  std::uniform_real_distribution<double> kind(0, 1);
  while (static_cast<int>(queries.size()) < n) {
    sqlite3_reset(title);
    sqlite3_bind_int64(title, 1, pick_row(rng));
    if (sqlite3_step(title) != SQLITE_ROW) continue;
    auto words = Words(reinterpret_cast<const char*>(sqlite3_column_text(title, 0)));
    if (words.empty()) continue;
    std::shuffle(words.begin(), words.end(), rng);
    const double k = kind(rng);
    std::string q;
    if (k < 0.40) {
      q = words[0];
    } else if (k < 0.75 && words.size() >= 2) {
      q = words[0] + " " + words[1];
    } else if (k < 0.90 && words.size() >= 3) {
      q = words[0] + " " + words[1] + " " + words[2];
    } else if (words[0].size() >= 5) {
      q = words[0].substr(0, 4) + "*";
    } else {
      q = words[0];
    }
    queries.push_back(q);
  }
  sqlite3_finalize(title);
  sqlite3_close(db);

  for (int pass = 0; pass < 2; ++pass) {
    std::vector<double> search_ms, count_ms;
    int64_t total_hits = 0;
    for (const auto& q : queries) {
      auto t0 = std::chrono::steady_clock::now();
      auto reader = WarehouseReader::Open(db_path);
      if (!reader.ok()) return 1;
      auto page = (*reader)->Search(q, 25, 0);
      auto t1 = std::chrono::steady_clock::now();
      if (!page.ok()) {
        std::fprintf(stderr, "%s: %s\n", q.c_str(), page.status().ToString().c_str());
        return 1;
      }
      total_hits += page->total;
      search_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      if (pass == 1 && search_ms.back() > 50 && std::getenv("SHOW_SLOW")) {
        std::printf("slow: %.1f ms  %s  (%lld matches%s)\n", search_ms.back(), q.c_str(),
                    static_cast<long long>(page->total), page->total_exact ? "" : "+");
      }
      auto c0 = std::chrono::steady_clock::now();
      auto reader2 = WarehouseReader::Open(db_path);
      auto tables = (*reader2)->Tables();
      auto c1 = std::chrono::steady_clock::now();
      if (!tables.ok()) return 1;
      count_ms.push_back(std::chrono::duration<double, std::milli>(c1 - c0).count());
    }
    if (pass == 0) continue;  // warm-up
    std::printf("queries: %zu (mean %.0f matches each)\n", queries.size(),
                static_cast<double>(total_hits) / static_cast<double>(queries.size()));
    Print("search", search_ms);
    Print("counts", count_ms);
  }
  return 0;
}
