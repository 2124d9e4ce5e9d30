#include "yorisoi/routing/chat_signals.hpp"

namespace yorisoi::routing {

read_mark_decision decide_read_mark(const read_mark_facts& facts) noexcept {
  if (!facts.channel_marks_on_open || !facts.by_person) {
    return read_mark_decision::off;
  }
  if (!facts.consultation_open) {
    return read_mark_decision::closed;
  }
  if (facts.newest_token.empty()) {
    return read_mark_decision::no_token;
  }
  if (facts.newest_token == facts.last_sent_token) {
    return read_mark_decision::already_marked;
  }
  return read_mark_decision::send;
}

bool typing_due(std::optional<std::chrono::steady_clock::time_point> last,
                std::chrono::steady_clock::time_point now) noexcept {
  return !last || now - *last >= typing_interval;
}

}  // namespace yorisoi::routing
