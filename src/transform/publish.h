// Atomic publication of an output folder.
//
// Protocol: everything is written into `.<name>.tmp-<pid>` beside the target
// folder. Publish() fsyncs every file and folder in it, then either renames
// it to the target (no target yet) or swaps the two with
// renameat2(RENAME_EXCHANGE) -- one atomic step, so a reader sees the old
// folder or the new one, never a mix or nothing -- and finally removes the
// old contents (now under the temporary name). A run killed at any point
// leaves the previous target untouched; PrepareStaging() of the next run
// removes staging folders of processes that no longer exist.
// Not thread-safe; one call per run.
#pragma once

#include <string>

#include "common/status.h"

namespace arxivflow::transform {

// Creates the staging folder for `target` and returns its path.
Result<std::string> PrepareStaging(const std::string& target);
Status Publish(const std::string& staging, const std::string& target);
void DiscardStaging(const std::string& staging);
// fsync of one path (file or folder).
Status SyncPath(const std::string& path);

}  // namespace arxivflow::transform
