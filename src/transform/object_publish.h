// Publishing a transform run to an object store (s3://bucket/prefix), where
// there is no atomic folder swap.
//
// Protocol (see docs/remote.md):
//   1. Every object of the run carries the run id in its name
//      (`<table>/part-NNNNN-<run>.parquet`, `_rejects-<run>.jsonl`), so the
//      run never overwrites what the live manifest lists.
//   2. Parts are uploaded (each all-or-nothing: single PUT or a completed
//      multipart upload), then the reject log.
//   3. `_manifest.json` is written last, in one PUT: that is the commit.
//      Readers trust only the objects the manifest lists.
//   4. After the commit, objects of earlier runs that the new manifest does
//      not list are deleted (best effort: leftovers are invisible to readers
//      and removed by the next run).
// A run that fails before step 3 deletes its own objects (DiscardRun); a
// killed run leaves only unlisted objects and, at worst, incomplete multipart
// uploads, which are never visible. One writer per prefix at a time.
// Functions are thread-compatible (the store is thread-safe).
#pragma once

#include <set>
#include <string>

#include "common/status.h"
#include "remote/object_store.h"

namespace arxivflow::transform {

// "20261123T235501Z-1a2b3c4d": sortable, unique per run.
std::string NewRunId();

// Uploads the local file `local` to `path` in `store` (streamed).
Status UploadFile(const remote::ObjectStore& store, const std::string& local, const std::string& path);

// Writes `text` to `path` in one all-or-nothing write.
Status PutText(const remote::ObjectStore& store, const std::string& path, const std::string& text);

// True for names a transform run writes: "<table>/part-*.parquet" and
// "_rejects*.jsonl" (never "_manifest.json" or foreign objects).
bool IsRunObject(const std::string& path);

// Deletes the run objects (IsRunObject) not in `keep`. Returns the first error.
Status RemoveUnlisted(const remote::ObjectStore& store, const std::set<std::string>& keep, size_t* removed);

// Deletes the objects whose name contains `run_id` (after a failed run).
void DiscardRun(const remote::ObjectStore& store, const std::string& run_id);

}  // namespace arxivflow::transform
