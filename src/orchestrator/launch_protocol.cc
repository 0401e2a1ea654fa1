#include "orchestrator/launch_protocol.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace arxivflow::orchestrator {

Status WriteFrame(int fd, const nlohmann::json& message) {
  std::string body = message.dump();
  if (body.size() > kMaxFrame) return Status::InvalidArgument("launcher message too large");
  std::string frame(4, '\0');
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) frame[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  frame += body;
  size_t off = 0;
  while (off < frame.size()) {
    ssize_t w = write(fd, frame.data() + off, frame.size() - off);
    if (w > 0) {
      off += static_cast<size_t>(w);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = {fd, POLLOUT, 0};
      if (poll(&p, 1, 10000) <= 0) return Status::IOError("launcher socket: write timed out");
    } else {
      return Status::IOError(std::string("launcher socket: ") + std::strerror(w < 0 ? errno : EPIPE));
    }
  }
  return Status::OK();
}

Status FrameReader::Fill() {
  char buf[65536];
  while (true) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) return Status::OK();
      continue;
    }
    if (n == 0) {
      eof_ = true;
      return Status::OK();
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::OK();
    if (errno == ECONNRESET) {
      eof_ = true;
      return Status::OK();
    }
    return Status::IOError(std::string("launcher socket: ") + std::strerror(errno));
  }
}

Result<std::optional<nlohmann::json>> FrameReader::Next() {
  if (buffer_.size() < 4) return std::optional<nlohmann::json>();
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(static_cast<unsigned char>(buffer_[i])) << (8 * i);
  if (n > kMaxFrame) return Status::Corruption("launcher socket: frame of " + std::to_string(n) + " bytes");
  if (buffer_.size() < 4 + static_cast<size_t>(n)) return std::optional<nlohmann::json>();
  auto message = nlohmann::json::parse(buffer_.begin() + 4, buffer_.begin() + 4 + n, nullptr, false);
  buffer_.erase(0, 4 + static_cast<size_t>(n));
  if (message.is_discarded() || !message.is_object()) {
    return Status::Corruption("launcher socket: a frame is not a JSON object");
  }
  return std::optional<nlohmann::json>(std::move(message));
}

}  // namespace arxivflow::orchestrator
