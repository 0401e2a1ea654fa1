#include "orchestrator/spawn_attributes.h"

#include <signal.h>

#include <initializer_list>

namespace arxivflow::orchestrator {

SpawnAttributes::SpawnAttributes(bool new_process_group) {
  posix_spawnattr_init(&attr_);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr_, &empty);
  sigemptyset(&defaults);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr_, &defaults);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (new_process_group) {
    posix_spawnattr_setpgroup(&attr_, 0);
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  posix_spawnattr_setflags(&attr_, flags);
}

SpawnAttributes::~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }

}  // namespace arxivflow::orchestrator
