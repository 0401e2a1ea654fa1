// The wire format between the scheduler and its task launcher (a fork server,
// task_launcher.h): frames of a 4-byte little-endian length followed by that
// many bytes of JSON, over a Unix stream socketpair.
//
// Messages, scheduler -> launcher:
//   {"op": "run", "id": N, "home": H, "dag_id": D, "task_id": T, "run_id": R,
//    "token": K, "dag_file": F, "log": L}
// launcher -> scheduler:
//   {"ev": "started", "id": N, "pid": P}       the child exists (its own group)
//   {"ev": "error", "id": N, "message": M}      no child was created
//   {"ev": "exit", "pid": P, "status": S}       waitpid status of a child
//
// Contract: WriteFrame writes a whole frame (retrying on EINTR/short writes;
// the fd may be blocking or not: EAGAIN is waited out with poll). FrameReader
// buffers one fd's bytes and yields complete frames; a frame larger than
// kMaxFrame or with invalid JSON is Corruption. Neither is thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::orchestrator {

inline constexpr size_t kMaxFrame = 1 << 20;

Status WriteFrame(int fd, const nlohmann::json& message);

class FrameReader {
 public:
  explicit FrameReader(int fd) : fd_(fd) {}

  // Reads what is available without blocking (the fd must be non-blocking)
  // or, with blocking fds, one read(). Sets eof() when the peer closed.
  Status Fill();
  // The next complete frame, if one is buffered.
  Result<std::optional<nlohmann::json>> Next();
  bool eof() const { return eof_; }

 private:
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace arxivflow::orchestrator
