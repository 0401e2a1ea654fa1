// Dispatcher: delivers notifications off the caller's thread — a bounded
// queue and one worker thread that makes each delivery's attempts (with
// backoff) and reports how it went.
//
// Contract:
// - Submit() never blocks: it queues the delivery, or returns false when
//   `capacity` deliveries already wait (the caller reports the drop). A
//   notifier that is down or slow therefore delays only the notifications
//   behind it, never the caller (the scheduler loop).
// - The worker makes 1 + spec.retries attempts, each bounded by spec.timeout,
//   waiting retry_delay, 2 x retry_delay, ... between them; the wait ends
//   early on Shutdown. on_outcome is called once per delivery, on the worker
//   thread (so it must be thread-safe), with OK or the last failure.
// - Shutdown(grace) lets the queue drain for at most `grace` seconds, then
//   stops: what is still queued is reported as failed ("not delivered: the
//   process is stopping"); an attempt in flight ends by its own timeout. The
//   destructor is Shutdown(0). Submit/pending are thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "notify/notification.h"
#include "notify/notifier_spec.h"
#include "notify/senders.h"

namespace arxivflow::notify {

// One notification for one notifier, its target resolved by the caller.
struct Delivery {
  NotifierSpec spec;
  Notification notification;
  WebhookTarget webhook;  // for webhook
  SmtpTarget smtp;        // for email
  std::string context;    // free text for the outcome handler (e.g. the run's log path)
  // Masks the target's secrets in a message before it is logged; null = as is.
  std::function<std::string(std::string)> mask;
};

// Makes one attempt of `delivery` (the three senders by kind).
Status DeliverOnce(const Delivery& delivery);

class Dispatcher {
 public:
  using OutcomeHandler = std::function<void(const Delivery&, const Status&, int attempts)>;

  Dispatcher(size_t capacity, OutcomeHandler on_outcome);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  bool Submit(Delivery delivery);
  void Shutdown(double grace_seconds);
  size_t pending() const;

 private:
  void Work();

  const size_t capacity_;
  OutcomeHandler on_outcome_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Delivery> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace arxivflow::notify
