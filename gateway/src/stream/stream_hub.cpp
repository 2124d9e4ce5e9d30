#include "stream/stream_hub.hpp"

#include "yorisoi/gateway/api_json.hpp"

#include <algorithm>
#include <vector>

namespace yorisoi::gateway {

std::uint64_t stream_hub::add(registration entry, std::size_t per_user) {
  std::vector<std::shared_ptr<stream_subscriber>> displaced;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    auto& mine = by_user_[entry.user_id];
    mine.insert(id);
    tenant_of_.emplace(id, entry.tenant_id);
    by_tenant_[entry.tenant_id].emplace(id, std::move(entry));
    while (mine.size() > std::max<std::size_t>(per_user, 1)) {
      const std::uint64_t oldest = *mine.begin();
      const auto tenant = tenant_of_.find(oldest);
      if (tenant != tenant_of_.end()) {
        auto& entries = by_tenant_[tenant->second];
        if (const auto found = entries.find(oldest); found != entries.end()) {
          if (auto alive = found->second.subscriber.lock()) {
            displaced.push_back(std::move(alive));
          }
        }
      }
      erase_locked(oldest);
    }
  }
  for (const auto& subscriber : displaced) {
    subscriber->displaced();
  }
  return id;
}

void stream_hub::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  erase_locked(id);
}

void stream_hub::erase_locked(std::uint64_t id) {
  const auto found = tenant_of_.find(id);
  if (found == tenant_of_.end()) {
    return;
  }
  auto tenant = by_tenant_.find(found->second);
  if (tenant != by_tenant_.end()) {
    if (const auto entry = tenant->second.find(id); entry != tenant->second.end()) {
      if (auto user = by_user_.find(entry->second.user_id); user != by_user_.end()) {
        user->second.erase(id);
        if (user->second.empty()) {
          by_user_.erase(user);
        }
      }
      tenant->second.erase(entry);
    }
    if (tenant->second.empty()) {
      by_tenant_.erase(tenant);
    }
  }
  tenant_of_.erase(found);
}

// Copies the matching subscribers under the lock and calls `visit` outside it, so that a subscriber
// that removes itself (or a slow post) never runs under the hub's mutex.
template <typename Visit>
void stream_hub::for_each_locked_copy(const std::string* tenant_id, Visit visit) {
  std::vector<std::pair<registration, std::shared_ptr<stream_subscriber>>> targets;
  {
    std::lock_guard lock(mutex_);
    const auto collect = [&targets](const std::map<std::uint64_t, registration>& entries) {
      for (const auto& [id, entry] : entries) {
        if (auto alive = entry.subscriber.lock()) {
          targets.emplace_back(entry, std::move(alive));
        }
      }
    };
    if (tenant_id != nullptr) {
      if (const auto found = by_tenant_.find(*tenant_id); found != by_tenant_.end()) {
        collect(found->second);
      }
    } else {
      for (const auto& [tenant, entries] : by_tenant_) {
        collect(entries);
      }
    }
  }
  for (auto& [entry, subscriber] : targets) {
    visit(entry, *subscriber);
  }
}

void stream_hub::publish(const storage::console_event& event) {
  {
    std::lock_guard lock(mutex_);
    auto& latest = latest_[event.tenant_id];
    latest = std::max(latest, event.event_id);
  }
  // An event has at most one audience's form (a unit's row is for that unit's officers only, every
  // other row for those who work consultations): serialised once, on first use.
  std::shared_ptr<const std::string> frame;
  for_each_locked_copy(&event.tenant_id, [&](const registration& entry, stream_subscriber& subscriber) {
    const auto seen = event_for(event, entry.audience);
    if (!seen) {
      return;
    }
    if (!frame) {
      frame = std::make_shared<const std::string>(event_json(*seen));
    }
    subscriber.push(frame, event.event_id);
  });
}

void stream_hub::session_ended(const std::string& user_id) {
  for_each_locked_copy(nullptr, [&](const registration& entry, stream_subscriber& subscriber) {
    if (entry.user_id == user_id) {
      subscriber.recheck_session();
    }
  });
}

void stream_hub::close_all() {
  for_each_locked_copy(nullptr,
                       [](const registration&, stream_subscriber& subscriber) { subscriber.shut_down(); });
}

std::int64_t stream_hub::latest_event_id(const std::string& tenant_id) const {
  std::lock_guard lock(mutex_);
  const auto found = latest_.find(tenant_id);
  return found == latest_.end() ? 0 : found->second;
}

std::size_t stream_hub::sockets_of(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  const auto found = by_user_.find(user_id);
  return found == by_user_.end() ? 0 : found->second.size();
}

std::size_t stream_hub::size() const {
  std::lock_guard lock(mutex_);
  return tenant_of_.size();
}

}  // namespace yorisoi::gateway
