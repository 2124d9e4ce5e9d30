#include "yorisoi/routing/shift.hpp"

#include <array>
#include <utility>

namespace yorisoi::routing {
namespace {

constexpr std::array<std::pair<presence, std::string_view>, 3> presence_names{{
    {presence::available, "available"},
    {presence::away, "away"},
    {presence::off, "off"},
}};

}  // namespace

std::string_view to_string(presence p) noexcept {
  for (const auto& [value, name] : presence_names) {
    if (value == p) {
      return name;
    }
  }
  return "off";
}

std::optional<presence> parse_presence(std::string_view text) noexcept {
  for (const auto& [value, name] : presence_names) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

presence_step presence_next(presence to, std::size_t held, bool has_note) noexcept {
  if (to != presence::off || held == 0) {
    return presence_step{presence_refusal::none, to, false};
  }
  if (!has_note) {
    return presence_step{presence_refusal::handover_note_required, to, false};
  }
  return presence_step{presence_refusal::none, to, true};
}

std::string_view to_string(presence_refusal refusal) noexcept {
  switch (refusal) {
    case presence_refusal::none:
      return "";
    case presence_refusal::handover_note_required:
      return "handover_note_required";
  }
  return "";
}

std::optional<unsigned> effective_capacity(std::optional<unsigned> own,
                                           std::optional<unsigned> tenant_default) noexcept {
  return own ? own : tenant_default;
}

capacity_refusal may_take_another(staff_role role, std::size_t held, std::optional<unsigned> capacity) noexcept {
  if (role == staff_role::supervisor || !capacity) {
    return capacity_refusal::none;
  }
  return held >= *capacity ? capacity_refusal::over_capacity : capacity_refusal::none;
}

std::string_view to_string(capacity_refusal refusal) noexcept {
  switch (refusal) {
    case capacity_refusal::none:
      return "";
    case capacity_refusal::over_capacity:
      return "over_capacity";
  }
  return "";
}

}  // namespace yorisoi::routing
