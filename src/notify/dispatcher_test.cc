#include "notify/dispatcher.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::notify {
namespace {

Delivery Command(std::vector<std::string> argv, int retries) {
  Delivery d;
  d.spec.kind = NotifierKind::kCommand;
  d.spec.argv = std::move(argv);
  d.spec.retries = retries;
  d.spec.retry_delay = 0.01;
  d.spec.timeout = 10;
  return d;
}

// A command that says when it has started (so the worker is busy with it).
struct Busy {
  const ScopedTempDir dir{"af_dispatcher_busy_"};
  const std::string flag = dir.File("started").string();
  Delivery Start() { return Command({"sh", "-c", "touch \"$0\"; sleep 0.3", flag}, 0); }
  void Wait() {
    while (access(flag.c_str(), F_OK) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

struct Outcomes {
  std::mutex mu;
  std::vector<std::pair<bool, int>> seen;  // ok, attempts
  Dispatcher::OutcomeHandler Handler() {
    return [this](const Delivery&, const Status& s, int attempts) {
      std::lock_guard<std::mutex> lock(mu);
      seen.emplace_back(s.ok(), attempts);
    };
  }
};

TEST(Dispatcher, RetriesAFailingDeliveryThenReportsIt) {
  Outcomes o;
  {
    Dispatcher d(10, o.Handler());
    ASSERT_TRUE(d.Submit(Command({"false"}, 2)));
    ASSERT_TRUE(d.Submit(Command({"true"}, 2)));
    d.Shutdown(30);
  }
  ASSERT_EQ(o.seen.size(), 2u);
  EXPECT_EQ(o.seen[0], std::make_pair(false, 3));
  EXPECT_EQ(o.seen[1], std::make_pair(true, 1));
}

TEST(Dispatcher, SubmitNeverBlocksAndRefusesPastCapacity) {
  Outcomes o;
  Dispatcher d(2, o.Handler());
  // The first one occupies the worker; two wait; the next is refused.
  Busy busy;
  ASSERT_TRUE(d.Submit(busy.Start()));
  busy.Wait();
  EXPECT_TRUE(d.Submit(Command({"true"}, 0)));
  EXPECT_TRUE(d.Submit(Command({"true"}, 0)));
  EXPECT_FALSE(d.Submit(Command({"true"}, 0)));
  d.Shutdown(30);
  EXPECT_EQ(o.seen.size(), 3u);
}

TEST(Dispatcher, ShutdownReportsWhatItCouldNotDeliver) {
  Outcomes o;
  {
    Dispatcher d(10, o.Handler());
    Busy busy;
    ASSERT_TRUE(d.Submit(busy.Start()));
    busy.Wait();
    ASSERT_TRUE(d.Submit(Command({"true"}, 0)));
    d.Shutdown(0);
  }
  ASSERT_EQ(o.seen.size(), 2u);
  EXPECT_EQ(o.seen[0], std::make_pair(true, 1));    // the one in flight finished
  EXPECT_EQ(o.seen[1], std::make_pair(false, 0));   // the queued one was dropped, and said so
}

}  // namespace
}  // namespace arxivflow::notify
