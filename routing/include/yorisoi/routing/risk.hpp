#pragma once
// Risk levels of a consultation (低 / 中 / 高 / 緊急): the level a counsellor set, what urgency adds,
// the level that counts (effective), the queue rank it gives and the highest level a consultation
// reached (reports). Pure, total, never throws; thread-safe.
//
// A crisis keyword marks a consultation urgent (the inbox does it); urgency reads as at least 高:
//
//   effective = max(set, 高 if urgent)          (no set level: 高 if urgent, else none)
//
// except when the level was *lowered*: a level below 高 set by a counsellor while the consultation was
// already urgent (a reason is always required). A lowered level wins over the urgency; any later level
// (set while urgent or not) replaces it. A level below 高 set before the consultation became urgent is
// not a lowering: the keyword that came afterwards lifts it to 高.
//
// The queue puts 緊急 first, then 高 (effective levels), then everything else (rank 0, 1, 2); within a
// rank the rest of the queue order applies. Storage mirrors queue_rank in the generated column
// consultation.risk_rank (migration 018), so that the queue index serves it.

#include <optional>
#include <string_view>

namespace yorisoi::routing {

enum class risk_level { low, medium, high, critical };  // 低, 中, 高, 緊急 (in increasing order)

// The stable name, as stored and as the API shows it: low | medium | high | critical.
[[nodiscard]] std::string_view to_string(risk_level level) noexcept;
[[nodiscard]] std::optional<risk_level> parse_risk(std::string_view text) noexcept;
// The console's label: 低 | 中 | 高 | 緊急.
[[nodiscard]] std::string_view risk_label(risk_level level) noexcept;

// Where the effective level comes from.
enum class risk_source {
  none,        // no level: never set and not urgent
  counsellor,  // the set level counts (set at or above what urgency gives, or lowered)
  keyword,     // the urgency lifts it to 高 (nothing set, or a lower level set before the urgency)
};

struct effective_risk {
  std::optional<risk_level> level;
  risk_source source = risk_source::none;
};

// `set`: the newest level a counsellor set (none: never); `lowered`: it was a lowering (see above).
[[nodiscard]] effective_risk effective_risk_of(std::optional<risk_level> set, bool lowered, bool urgent) noexcept;

// Whether setting `to` now is a lowering: below 高 on an urgent consultation.
[[nodiscard]] bool is_lowering(risk_level to, bool urgent) noexcept;

// The queue rank of an effective level: 0 緊急, 1 高, 2 anything else (none included).
[[nodiscard]] int queue_rank(std::optional<risk_level> effective) noexcept;

// The highest level a consultation reached: the highest level ever set (`highest_set`, none: never
// set) or 高 when it was urgent, whichever is higher. A lowering does not undo what was reached.
[[nodiscard]] std::optional<risk_level> highest_reached(std::optional<risk_level> highest_set, bool urgent) noexcept;

// A reason is 1..risk_reason_max_chars code points and not only spaces (checked by storage).
inline constexpr std::size_t risk_reason_max_chars = 200;

}  // namespace yorisoi::routing
