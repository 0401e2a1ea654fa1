#include "notify/dispatcher.h"

#include <chrono>

namespace arxivflow::notify {

Status DeliverOnce(const Delivery& d) {
  switch (d.spec.kind) {
    case NotifierKind::kWebhook:
      return PostWebhook(d.webhook, d.notification.WebhookJson().dump(), d.spec.timeout);
    case NotifierKind::kEmail:
      return SendEmail(d.smtp, d.spec.to, d.notification.Subject(), d.notification.PlainText(),
                       d.notification.Html(), d.spec.timeout);
    case NotifierKind::kCommand:
      return RunCommand(d.spec.argv, d.notification.Environment(), d.spec.timeout);
  }
  return Status::Internal("unknown notifier");
}

Dispatcher::Dispatcher(size_t capacity, OutcomeHandler on_outcome)
    : capacity_(capacity), on_outcome_(std::move(on_outcome)) {
  worker_ = std::thread([this] { Work(); });
}

Dispatcher::~Dispatcher() { Shutdown(0); }

bool Dispatcher::Submit(Delivery delivery) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(delivery));
  }
  cv_.notify_all();
  return true;
}

size_t Dispatcher::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() + (busy_ ? 1 : 0);
}

void Dispatcher::Shutdown(double grace_seconds) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!worker_.joinable()) return;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_seconds);
    cv_.wait_until(lock, deadline, [&] { return queue_.empty() && !busy_; });
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
  std::deque<Delivery> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(queue_);
  }
  for (const auto& d : left) {
    if (on_outcome_) on_outcome_(d, Status::Aborted("not delivered: the process is stopping"), 0);
  }
}

void Dispatcher::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Delivery d = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    Status s;
    int attempts = 0;
    double delay = d.spec.retry_delay;
    while (true) {
      lock.unlock();
      s = DeliverOnce(d);
      ++attempts;
      lock.lock();
      if (s.ok() || attempts > d.spec.retries || stop_) break;
      if (cv_.wait_for(lock, std::chrono::duration<double>(delay), [&] { return stop_; })) break;
      delay *= 2;
    }
    lock.unlock();
    if (on_outcome_) on_outcome_(d, s, attempts);
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace arxivflow::notify
