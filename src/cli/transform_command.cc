// `arxivflow transform`: the create_parquet_area job.
#include <cstdio>
#include <cstdlib>

#include "cli/aws_connection_option.h"
#include "cli/commands.h"
#include "common/logging.h"
#include "common/task_result.h"
#include "transform/transform.h"

namespace arxivflow::cli {

void AddTransformCommand(CLI::App& app) {
  struct Args {
    std::string input, nips, output, compression = "snappy", shard, max_rejects, progress = "auto", aws_conn;
    std::string progress_file, uncompressed_columns;
    int threads = 0;
    bool input_sha256 = false;
    size_t block_bytes = 1u << 20;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "transform",
      "Turn the arXiv snapshot (and the NIPS CSV) into the six Parquet tables, published "
      "atomically with _manifest.json and _rejects.jsonl");
  cmd->add_option("--input", args->input,
                  "arXiv snapshot (file or s3://bucket/key): JSON Lines or a JSON array; plain, .gz or .zst")
      ->required();
  cmd->add_option("--nips", args->nips, "NIPS papers CSV (',' or '|' delimited, with header; file or s3://)");
  cmd->add_option("--output", args->output,
                  "output folder (replaced atomically) or s3://bucket/prefix (manifest written last)")
      ->required();
  cmd->add_option("--aws-conn", args->aws_conn,
                  "stored connection with the S3 credentials/region/endpoint (default: AWS environment)");
  cmd->add_option("--threads", args->threads, "worker threads (default: all cores)");
  cmd->add_option("--compression", args->compression, "snappy|zstd|gzip|none")->capture_default_str();
  cmd->add_option("--uncompressed-columns", args->uncompressed_columns,
                  "comma-separated <table>.<column> names stored without compression, e.g. abstracts.abstract "
                  "(long text: snappy shrinks it by less than half and costs more CPU to write and read back "
                  "than the disk it saves)");
  cmd->add_flag("--input-sha256", args->input_sha256,
               "record each input's SHA-256 in the manifest, besides its CRC-32 (SHA-256 reads about "
               "1.3 GB/s per core: a tenth of the transform's CPU)");
  cmd->add_option("--shard", args->shard,
                  "K/N: process the K-th (0-based) of N shards of the snapshot");
  cmd->add_option("--max-rejects", args->max_rejects,
                  "N or P%: stop with exit code 2 (publishing nothing) past this many rejects");
  cmd->add_option("--progress", args->progress, "auto|always|never")->capture_default_str();
  cmd->add_option("--progress-file", args->progress_file,
                  "rewrite this JSON file every second with the progress (bytes, records, rates, ETA); "
                  "default: $ARXIVFLOW_TASK_PROGRESS_FILE");
  // Testing aid: small blocks exercise the cross-block ordering logic.
  cmd->add_option("--block-bytes", args->block_bytes, "bytes per read block")->group("");
  cmd->callback([args] {
    ApplyAwsConnection(args->aws_conn);
    transform::TransformOptions o;
    o.input = args->input;
    o.nips = args->nips;
    o.output = args->output;
    o.threads = args->threads;
    o.input_sha256 = args->input_sha256;
    if (args->block_bytes < 1 || args->block_bytes > (1u << 30)) Fail("--block-bytes must be 1..1073741824");
    o.block_bytes = args->block_bytes;
    if (args->threads < 0) Fail("--threads must be >= 0");
    if (!parquet::ParseCompression(args->compression, &o.compression)) {
      Fail("--compression must be snappy, zstd, gzip or none, not '" + args->compression + "'");
    }
    auto uncompressed = transform::ParseTableColumns(args->uncompressed_columns);
    if (!uncompressed.ok()) Fail("--uncompressed-columns: " + uncompressed.status().message());
    o.uncompressed_columns = *uncompressed;
    if (!args->shard.empty() &&
        !transform::ParseShard(args->shard, &o.shard_index, &o.shard_count)) {
      Fail("--shard must be K/N with 0 <= K < N, not '" + args->shard + "'");
    }
    if (!args->max_rejects.empty() &&
        !transform::ParseMaxRejects(args->max_rejects, &o.max_rejects, &o.max_rejects_percent)) {
      Fail("--max-rejects must be a count or a percentage like 0.5%, not '" + args->max_rejects + "'");
    }
    if (!transform::ParseProgressMode(args->progress, &o.progress)) {
      Fail("--progress must be auto, always or never, not '" + args->progress + "'");
    }
    o.progress_file = args->progress_file;
    if (o.progress_file.empty()) {  // run as an orchestrator task: the task runner names the file
      const char* task_progress = std::getenv(kTaskProgressFileEnv);
      if (task_progress) o.progress_file = task_progress;
    }
    transform::TransformSummary summary;
    Status s = transform::RunTransform(o, &summary);
    nlohmann::json table_rows = nlohmann::json::object();  // the task's result when run by the orchestrator
    for (int t = 0; t < schema::kTableCount; ++t) table_rows[schema::Table(static_cast<schema::TableId>(t)).name] = summary.rows[t];
    (void)WriteTaskResult({{"records_read", summary.read}, {"accepted", summary.accepted}, {"rejected", summary.rejected},
                           {"rows", table_rows}, {"output", MaskUriCredentials(o.output)}, {"published", s.ok()}});
    if (!s.ok()) Fail(s.message(), s.code() == Status::Code::kAborted ? 2 : 1);
    std::string rows;
    for (int t = 0; t < schema::kTableCount; ++t) {
      rows += (t ? ", " : "") + schema::Table(static_cast<schema::TableId>(t)).name + " " +
              std::to_string(summary.rows[t]);
    }
    spdlog::info("transform: {} records read, {} accepted, {} rejected in {:.2f} s; rows: {}",
                 summary.read, summary.accepted, summary.rejected, summary.seconds, rows);
  });
}

}  // namespace arxivflow::cli
