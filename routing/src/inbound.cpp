#include "yorisoi/routing/inbound.hpp"

#include <algorithm>

namespace yorisoi::routing {

std::string fill_placeholders(std::string_view text,
                              const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    if (text[i] == '{') {
      for (const auto& [name, value] : values) {
        const std::string token = "{" + name + "}";
        if (text.substr(i, token.size()) == token) {
          out += value;
          i += token.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out += text[i++];
    }
  }
  return out;
}

namespace {

// What {next_window} says when no counsellor will be in again in this service period.
constexpr const char* no_next_window = "未定";

auto_answer out_of_service_answer(const tenant_rules& rules) {
  return {auto_answer_kind::out_of_service,
          fill_placeholders(rules.texts.out_of_service, {{"other_contacts", rules.texts.other_contacts}}),
          {}};
}

}  // namespace

message_decision decide_message(const tenant_rules& rules, instant at, instant now, std::string_view text,
                                bool standby, const resident_facts& resident,
                                const consultation_facts& consultation) {
  message_decision d;
  const auto window = window_at(rules.schedule, at);
  const auto next = next_window(rules.schedule, at);
  d.arrived = window ? arrival::staffed : arrival::off_hours;
  d.due_at = window ? at : (next ? next->start : at);
  d.mark_urgent = !text.empty() && rules.risk.matches(text);

  const auto phase = intake_at(rules.schedule, at);
  if (consultation.open) {
    d.attach_to_open = true;
  } else if (phase == intake_phase::open) {
    d.open_consultation = true;
  }

  if (standby) {
    return d;
  }
  // What the answer may promise is judged at processing time (never earlier than the message).
  const instant reference = std::max(at, now);
  const auto window_now = window_at(rules.schedule, reference);
  const auto next_now = next_window(rules.schedule, reference);
  const bool accepted = d.attach_to_open || d.open_consultation;
  if (d.mark_urgent && !window) {
    const std::string when = window_now ? format_window_start(rules.schedule, window_now->start)
                             : next_now ? format_window_start(rules.schedule, next_now->start)
                                        : std::string(no_next_window);
    d.answers.push_back(
        {auto_answer_kind::crisis, fill_placeholders(rules.texts.crisis, {{"next_window", when}}), {}});
    if (accepted && !window_now && next_now) {
      d.off_hours_answered_for = next_now->start;  // the contacts stand for this stretch's off-hours answer
    }
  }
  if (!accepted) {
    d.answers.push_back(out_of_service_answer(rules));
    return d;
  }
  if (!window && !window_now && !next_now) {
    // Accepted, but no counsellor will answer again in this service period: say so and name others.
    d.answers.push_back(out_of_service_answer(rules));
  } else if (!window && !window_now && !d.mark_urgent && resident.off_hours_answered_for != next_now->start) {
    d.answers.push_back(
        {auto_answer_kind::off_hours,
         fill_placeholders(rules.texts.off_hours,
                           {{"next_window", format_window_start(rules.schedule, next_now->start)}}),
         {}});
    d.off_hours_answered_for = next_now->start;
  }
  if (d.open_consultation && !d.mark_urgent && !resident.has_consulted_before && !resident.age_band_known &&
      !rules.texts.age_bands.empty()) {
    d.answers.push_back({auto_answer_kind::age_question, rules.texts.age_question, rules.texts.age_bands});
  }
  return d;
}

std::vector<auto_answer> decide_follow(const tenant_rules& rules, bool standby) {
  if (standby || rules.texts.greeting.empty()) {
    return {};
  }
  return {{auto_answer_kind::greeting, rules.texts.greeting, {}}};
}

}  // namespace yorisoi::routing
