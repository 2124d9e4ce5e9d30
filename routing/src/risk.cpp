#include "yorisoi/routing/risk.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace yorisoi::routing {
namespace {

struct risk_name {
  risk_level level;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<risk_name, 4> risk_names{{
    {risk_level::low, "low", "低"},
    {risk_level::medium, "medium", "中"},
    {risk_level::high, "high", "高"},
    {risk_level::critical, "critical", "緊急"},
}};

}  // namespace

std::string_view to_string(risk_level level) noexcept {
  for (const auto& n : risk_names) {
    if (n.level == level) {
      return n.name;
    }
  }
  return "low";
}

std::optional<risk_level> parse_risk(std::string_view text) noexcept {
  for (const auto& n : risk_names) {
    if (n.name == text) {
      return n.level;
    }
  }
  return std::nullopt;
}

std::string_view risk_label(risk_level level) noexcept {
  for (const auto& n : risk_names) {
    if (n.level == level) {
      return n.label;
    }
  }
  return "低";
}

effective_risk effective_risk_of(std::optional<risk_level> set, bool lowered, bool urgent) noexcept {
  if (set && (lowered || !urgent || *set >= risk_level::high)) {
    return effective_risk{set, risk_source::counsellor};
  }
  if (urgent) {
    return effective_risk{risk_level::high, risk_source::keyword};
  }
  return effective_risk{};
}

bool is_lowering(risk_level to, bool urgent) noexcept {
  return urgent && to < risk_level::high;
}

int queue_rank(std::optional<risk_level> effective) noexcept {
  if (effective == risk_level::critical) {
    return 0;
  }
  if (effective == risk_level::high) {
    return 1;
  }
  return 2;
}

std::optional<risk_level> highest_reached(std::optional<risk_level> highest_set, bool urgent) noexcept {
  if (!urgent) {
    return highest_set;
  }
  return highest_set ? std::max(*highest_set, risk_level::high) : risk_level::high;
}

}  // namespace yorisoi::routing
