#pragma once
// The live-event hub: owned by the server, fed by console_store::listen (on the listener thread),
// fanning each tenant's events out to that tenant's WebSocket subscribers whose audience they are
// (event_audience.hpp: consultation events to roles that work them, a unit's referral events to its
// officers), and telling a user's sockets to re-check their session when storage says its sessions ended.
// A user has at most a configured number of sockets: a new one displaces the user's oldest.
//
// Thread-safety: every member may be called from any thread. Subscribers' callbacks are invoked
// under no lock of the hub's but from the caller's thread: they must only post to their own strand.

#include "yorisoi/gateway/event_audience.hpp"
#include "yorisoi/storage/console.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace yorisoi::gateway {

class stream_subscriber {
 public:
  virtual ~stream_subscriber() = default;
  // A serialised Event frame with its id; called for the events of the subscriber's tenant meant for
  // its audience (as that audience may see them).
  virtual void push(std::shared_ptr<const std::string> frame, std::int64_t event_id) = 0;
  // The subscriber's user had sessions ended: authenticate again and close (4401) if it is gone.
  virtual void recheck_session() = 0;
  // Server shutdown: close (going away).
  virtual void shut_down() = 0;
  // The user opened more sockets than allowed and this is their oldest: close (4429). The hub has
  // already removed it.
  virtual void displaced() = 0;
};

class stream_hub {
 public:
  struct registration {
    std::string tenant_id;
    std::string user_id;
    event_audience audience;
    std::weak_ptr<stream_subscriber> subscriber;
  };

  // Returns the id to remove() it with. When the user then has more than `per_user` sockets, the
  // oldest ones are removed and told displaced() (outside the hub's lock).
  [[nodiscard]] std::uint64_t add(registration entry, std::size_t per_user);
  void remove(std::uint64_t id);

  // Listener thread. Serialises once and posts the frame to every interested subscriber.
  void publish(const storage::console_event& event);
  void session_ended(const std::string& user_id);
  void close_all();

  // The newest event id this hub has seen for the tenant (0 if none): where a resync resumes.
  [[nodiscard]] std::int64_t latest_event_id(const std::string& tenant_id) const;
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t sockets_of(const std::string& user_id) const;

 private:
  void erase_locked(std::uint64_t id);  // under mutex_
  template <typename Visit>
  void for_each_locked_copy(const std::string* tenant_id, Visit visit);

  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::string, std::map<std::uint64_t, registration>> by_tenant_;
  std::unordered_map<std::uint64_t, std::string> tenant_of_;
  std::unordered_map<std::string, std::set<std::uint64_t>> by_user_;  // ids in opening order
  std::unordered_map<std::string, std::int64_t> latest_;
};

}  // namespace yorisoi::gateway
