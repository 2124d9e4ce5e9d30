#pragma once
// LINE's chat signals from the console: a read mark (既読) when a counsellor opens a consultation of a
// channel with read_marks = "on_open", and the loading animation while its holder types a reply.
//
// The caller hands over what storage said of the consultation (storage::line_chat); this decides at
// once (routing/chat_signals.hpp, with the read token last sent and the animation's last start it
// remembers per consultation), so that the caller's answer follows the decision, and sends later on
// its own strand: a console request never waits for LINE. One attempt per signal, never retried (a
// failed read mark is tried again at the next opening); outcomes are counted in /metrics
// (yorisoi_line_signals_total) and failures logged with LINE's status only, never an id or a token.
// A channel that is not the caller's tenant's is never used.
//
// Thread-safety: every member may be called from any thread.

#include "http/metrics.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/routing/chat_signals.hpp"
#include "yorisoi/storage/console.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace yorisoi::gateway {

struct line_signal_options {
  std::size_t max_in_flight = 16;     // beyond this a signal is dropped (counted), not queued
  std::size_t max_remembered = 10'000;  // consultations remembered; the least recent are forgotten
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds total_timeout{5'000};
};

class line_signals {
 public:
  // `settings`, `metrics` and `io` must outlive the object. Throws std::invalid_argument when
  // settings.line.api_base is not an http(s) URL.
  line_signals(boost::asio::io_context& io, const config::settings& settings, gateway::metrics& metrics,
               line_signal_options options = {});
  ~line_signals();
  line_signals(const line_signals&) = delete;
  line_signals& operator=(const line_signals&) = delete;

  // Whether some channel of `tenant` marks read on open: otherwise nothing need be asked of storage.
  [[nodiscard]] static bool marks_read(const config::tenant& tenant) noexcept;

  // Someone read consultation `consultation_id` of `tenant_id` (by_person: opened it or typed in it,
  // not a console's background refetch). Sends a read mark when decide_read_mark says so.
  routing::read_mark_decision read(const std::string& tenant_id, const std::string& consultation_id,
                                   const storage::line_chat& chat, bool by_person);

  // Its holder types a reply: starts the loading animation unless it was started less than
  // routing::typing_interval ago. false when throttled (or dropped).
  bool typing(const std::string& tenant_id, const std::string& consultation_id, const storage::line_chat& chat);

 private:
  struct core;
  std::shared_ptr<core> core_;
};

}  // namespace yorisoi::gateway
