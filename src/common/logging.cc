#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace arxivflow {

void InitLogging(const std::string& level) {
  static auto logger = [] {
    auto l = spdlog::stderr_color_mt("arxivflow");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(l);
    return l;
  }();
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  logger->set_level(lvl);
}

}  // namespace arxivflow
