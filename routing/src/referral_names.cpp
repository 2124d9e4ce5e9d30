// The names stages, events and legal bases have in the database, the API and the audit log. Stable:
// changing one is a migration.
#include "yorisoi/routing/referral.hpp"

#include <array>
#include <utility>

namespace yorisoi::routing {

namespace {

constexpr std::array<std::pair<referral_stage, std::string_view>, 8> stage_names{{
    {referral_stage::proposed, "proposed"},
    {referral_stage::awaiting_consent, "awaiting_consent"},
    {referral_stage::at_hub, "at_hub"},
    {referral_stage::forwarded, "forwarded"},
    {referral_stage::answered, "answered"},
    {referral_stage::returned, "returned"},
    {referral_stage::closed, "closed"},
    {referral_stage::cancelled, "cancelled"},
}};

struct namer {
  std::string_view operator()(const referral_events::request_consent&) const noexcept {
    return "request_consent";
  }
  std::string_view operator()(const referral_events::consent_granted&) const noexcept {
    return "consent_granted";
  }
  std::string_view operator()(const referral_events::consent_declined&) const noexcept {
    return "consent_declined";
  }
  std::string_view operator()(const referral_events::consent_expired&) const noexcept {
    return "consent_expired";
  }
  std::string_view operator()(const referral_events::consent_withdrawn&) const noexcept {
    return "consent_withdrawn";
  }
  std::string_view operator()(const referral_events::emergency_send&) const noexcept {
    return "emergency_send";
  }
  std::string_view operator()(const referral_events::forward&) const noexcept { return "forward"; }
  std::string_view operator()(const referral_events::answer&) const noexcept { return "answer"; }
  std::string_view operator()(const referral_events::hub_answer&) const noexcept { return "hub_answer"; }
  std::string_view operator()(const referral_events::return_answers&) const noexcept {
    return "return_answers";
  }
  std::string_view operator()(const referral_events::close&) const noexcept { return "close"; }
};

constexpr std::string_view appi_name = "appi_27_1_2";

}  // namespace

std::string_view to_string(referral_stage stage) noexcept {
  for (const auto& [s, name] : stage_names) {
    if (s == stage) {
      return name;
    }
  }
  return "unknown";
}

std::optional<referral_stage> parse_referral_stage(std::string_view text) noexcept {
  for (const auto& [s, name] : stage_names) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

std::string_view event_name(const referral_event& event) noexcept {
  // A variant left valueless by a failed assignment has no name (and std::visit would throw).
  if (event.valueless_by_exception()) {
    return "unknown";
  }
  return std::visit(namer{}, event);
}

legal_basis parse_legal_basis(std::string_view text) noexcept {
  return text == appi_name ? legal_basis::appi_27_1_2 : legal_basis::unstated;
}

std::string_view to_string(legal_basis basis) noexcept {
  switch (basis) {
    case legal_basis::unstated:
      return "unstated";
    case legal_basis::appi_27_1_2:
      return appi_name;
  }
  return "unstated";
}

}  // namespace yorisoi::routing
