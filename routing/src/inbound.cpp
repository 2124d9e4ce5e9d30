#include "yorisoi/routing/inbound.hpp"

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

message_decision decide_message(const tenant_rules& rules, instant at, std::string_view text, bool standby,
                                const resident_facts& resident, const consultation_facts& consultation) {
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
  if (d.mark_urgent && !window) {
    d.answers.push_back({auto_answer_kind::crisis, rules.texts.crisis, {}});
  }
  const bool accepted = d.attach_to_open || d.open_consultation;
  if (!accepted) {
    d.answers.push_back({auto_answer_kind::out_of_service,
                         fill_placeholders(rules.texts.out_of_service, {{"other_contacts", rules.texts.other_contacts}}),
                         {}});
    return d;
  }
  if (!window && !next) {
    // Accepted, but no counsellor will answer again in this service period: say so and name others.
    d.answers.push_back({auto_answer_kind::out_of_service,
                         fill_placeholders(rules.texts.out_of_service, {{"other_contacts", rules.texts.other_contacts}}),
                         {}});
  } else if (!window && resident.off_hours_answered_for != next->start) {
    d.answers.push_back(
        {auto_answer_kind::off_hours,
         fill_placeholders(rules.texts.off_hours, {{"next_window", format_window_start(rules.schedule, next->start)}}),
         {}});
    d.off_hours_answered_for = next->start;
  }
  if (d.open_consultation && !resident.has_consulted_before && !resident.age_band_known &&
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
