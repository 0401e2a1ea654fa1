// StorePool: metadata store connections for the web server's threads.
//
// Contract: Acquire() hands out one MetadataStore per caller at a time (a
// Lease returns it when destroyed), opening a new one when none is idle; at
// most 64 idle stores are kept. A store is used by one thread at a time, as
// MetadataStore requires. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::server {

class StorePool {
 public:
  explicit StorePool(orchestrator::HomePaths home) : home_(std::move(home)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<orchestrator::MetadataStore> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Release(std::move(store_));
    }
    orchestrator::MetadataStore* operator->() { return store_.get(); }
    orchestrator::MetadataStore& operator*() { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<orchestrator::MetadataStore> store_;
  };

  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    AF_ASSIGN_OR_RETURN(auto store, orchestrator::MetadataStore::Open(home_, false));
    return Lease(this, std::move(store));
  }

  const orchestrator::HomePaths& home() const { return home_; }

 private:
  void Release(std::unique_ptr<orchestrator::MetadataStore> store) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < 64) idle_.push_back(std::move(store));
  }

  orchestrator::HomePaths home_;
  std::mutex mu_;
  std::vector<std::unique_ptr<orchestrator::MetadataStore>> idle_;
};

}  // namespace arxivflow::server
