#pragma once
// What to do when a resident writes or follows: the pilot's rules for automatic answers, crisis
// handling and opening consultations. Pure: the caller passes what it knows and the instant.
//
// - Messages are accepted at any hour during intake; outside staffed windows the resident gets one
//   off-hours answer per off-hours stretch (keyed by the next window's start), naming that window.
// - Two instants: `at` is when the resident wrote (LINE's timestamp) and judges the arrival (staffed or
//   off-hours), the intake phase and the due time; `now` is when the event is processed and judges
//   what the answer promises. A late event (a redelivery, a spool replay) therefore never names a
//   window that has already passed: the next window is the first one after `now`. If counsellors are
//   in at `now`, an off-hours arrival gets no off-hours answer (the message is already due and in front
//   of them, urgent ones first).
// - Crisis expressions mark the consultation urgent at once; outside staffed windows the resident gets
//   one message, the crisis contacts (even before or after the service period), instead of the
//   off-hours answer: it stands for the off-hours answer of that stretch, and its {next_window} is filled
//   the same way (with the window in progress when counsellors are in at `now`, with 「未定」 when none
//   will come; then the out-of-service answer follows it).
// - Before intake starts or after it ends, a resident without an open consultation gets the
//   out-of-service answer and no consultation is opened; an open one continues until answers end.
// - A resident's first consultation asks for the age band (optional quick reply) once — unless the
//   message marks it urgent: a resident in crisis is never asked, then or later; the counsellor asks in
//   their own words if it matters and sets the band in the console.
// - Events in standby mode (another channel owner answers) are stored with no automatic answer.

#include "yorisoi/routing/normalize.hpp"
#include "yorisoi/routing/schedule.hpp"

#include <optional>
#include <string>
#include <vector>

namespace yorisoi::routing {

struct answer_texts {
  std::string greeting;
  std::string off_hours;       // {next_window}
  std::string out_of_service;  // {other_contacts}
  std::string crisis;          // {next_window}
  std::string age_question;
  std::string other_contacts;
  std::vector<std::string> age_bands;  // quick-reply choices for age_question
};

struct tenant_rules {
  schedule_rules schedule;
  answer_texts texts;
  risk_matcher risk{{}};
};

enum class auto_answer_kind { greeting, off_hours, out_of_service, crisis, age_question };

struct auto_answer {
  auto_answer_kind kind = auto_answer_kind::greeting;
  std::string text;
  std::vector<std::string> quick_replies;  // age_question: the age bands
};

enum class arrival { staffed, off_hours };

struct resident_facts {
  bool has_consulted_before = false;  // any earlier consultation, open or closed
  bool age_band_known = false;
  std::optional<instant> off_hours_answered_for;  // next-window start named by the last off-hours answer
};

struct consultation_facts {
  bool open = false;
  bool urgent = false;
};

struct message_decision {
  bool open_consultation = false;  // a new consultation for this message
  bool attach_to_open = false;     // the message joins the open consultation
  arrival arrived = arrival::off_hours;
  bool mark_urgent = false;
  instant due_at{};  // when a counsellor should answer: now when staffed, else the next window's start
  std::optional<instant> off_hours_answered_for;  // remember when an off-hours answer goes out
  std::vector<auto_answer> answers;               // in sending order
};

// A message from a resident (`text` empty for non-text messages) written at `at` and processed at
// `now`. `standby` = the event's mode.
[[nodiscard]] message_decision decide_message(const tenant_rules& rules, instant at, instant now,
                                              std::string_view text, bool standby,
                                              const resident_facts& resident,
                                              const consultation_facts& consultation);

// The same for an event processed as it happens (`now` = `at`).
[[nodiscard]] inline message_decision decide_message(const tenant_rules& rules, instant at,
                                                     std::string_view text, bool standby,
                                                     const resident_facts& resident,
                                                     const consultation_facts& consultation) {
  return decide_message(rules, at, at, text, standby, resident, consultation);
}

// A follow (friend added or unblocked): the greeting, unless in standby mode.
[[nodiscard]] std::vector<auto_answer> decide_follow(const tenant_rules& rules, bool standby);

// Replaces every {name} in `text` with its value; unknown placeholders stay as written.
[[nodiscard]] std::string fill_placeholders(std::string_view text,
                                            const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace yorisoi::routing
