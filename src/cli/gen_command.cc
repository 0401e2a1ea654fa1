// `arxivflow gen`: writes a synthetic arXiv snapshot (and optionally a NIPS
// papers CSV) for benchmarks and scale tests. See docs/gen.md.
#include <chrono>
#include <string>

#include "cli/commands.h"
#include "common/logging.h"
#include "gen/arxiv_snapshot.h"
#include "gen/nips_csv.h"
#include "gen/output_file.h"

namespace arxivflow::cli {
namespace {

struct GenArgs {
  uint64_t records = 0;
  uint64_t seed = 1;
  std::string output;
  std::string nips_output;
  uint64_t nips_records = 7241;
  int threads = 2;
};

Status WriteWith(const std::string& path, const std::function<Status(const gen::ChunkSink&)>& generate,
                 uint64_t* bytes) {
  AF_ASSIGN_OR_RETURN(auto file, gen::OutputFile::Open(path));
  AF_RETURN_IF_ERROR(generate([&](std::string_view chunk) { return file->Write(chunk); }));
  AF_RETURN_IF_ERROR(file->Close());
  *bytes = file->bytes_written();
  return Status::OK();
}

void RunGen(const GenArgs& a) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  uint64_t bytes = 0;
  gen::SnapshotOptions opts{a.records, a.seed, a.threads};
  Status st = WriteWith(a.output, [&](const gen::ChunkSink& sink) { return gen::GenerateArxivSnapshot(opts, sink); },
                        &bytes);
  if (!st.ok()) Fail(st.ToString());
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  spdlog::info("gen: wrote {} records, {} bytes to {} in {:.2f} s ({:.0f} MB/s)", a.records, bytes,
               a.output == "-" ? "<stdout>" : a.output, secs, secs > 0 ? bytes / secs / 1e6 : 0.0);
  if (!a.nips_output.empty()) {
    uint64_t nips_bytes = 0;
    gen::NipsOptions nopts{a.nips_records, a.seed};
    st = WriteWith(a.nips_output, [&](const gen::ChunkSink& sink) { return gen::GenerateNipsCsv(nopts, sink); },
                   &nips_bytes);
    if (!st.ok()) Fail(st.ToString());
    spdlog::info("gen: wrote {} NIPS rows, {} bytes to {}", a.nips_records, nips_bytes, a.nips_output);
  }
}

}  // namespace

void AddGenCommand(CLI::App& app) {
  auto args = std::make_shared<GenArgs>();
  auto* cmd = app.add_subcommand("gen", "Write a synthetic arXiv snapshot (JSON Lines) and NIPS CSV");
  cmd->add_option("--records", args->records, "Number of arXiv records")->required()
      ->check(CLI::Range(uint64_t{0}, gen::kMaxRecords));
  cmd->add_option("--seed", args->seed, "Seed; the same seed and --records give the same bytes")
      ->capture_default_str();
  cmd->add_option("--output", args->output, "Snapshot file, or - for stdout")->required();
  auto* nips = cmd->add_option("--nips-output", args->nips_output, "Also write a NIPS papers CSV here");
  cmd->add_option("--nips-records", args->nips_records, "Rows of the NIPS CSV")
      ->capture_default_str()->needs(nips);
  cmd->add_option("--threads", args->threads, "Generator threads (output does not depend on it)")
      ->capture_default_str()->check(CLI::Range(1, 64));
  cmd->callback([args] { RunGen(*args); });
}

}  // namespace arxivflow::cli
