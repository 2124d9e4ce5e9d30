#include "yorisoi/routing/shift.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using p = presence;
using x = presence_refusal;

struct presence_row {
  presence to;
  std::size_t held;
  bool has_note;
  presence_refusal want;
  bool return_held;
};

// Every target with nothing held, some held without a note and with one, written out.
const std::vector<presence_row> presence_table{
    {p::available, 0, false, x::none, false},
    {p::available, 2, false, x::none, false},
    {p::available, 2, true, x::none, false},
    {p::away, 0, false, x::none, false},
    {p::away, 2, false, x::none, false},  // away keeps what one holds
    {p::away, 2, true, x::none, false},
    {p::off, 0, false, x::none, false},
    {p::off, 0, true, x::none, false},
    {p::off, 1, false, x::handover_note_required, false},
    {p::off, 3, false, x::handover_note_required, false},
    {p::off, 1, true, x::none, true},
    {p::off, 3, true, x::none, true},
};

TEST(shift, presence_transitions_as_tabled) {
  for (const auto& row : presence_table) {
    const presence_step step = presence_next(row.to, row.held, row.has_note);
    const std::string what = std::string(to_string(row.to)) + " holding " + std::to_string(row.held) +
                             (row.has_note ? " with a note" : " without a note");
    EXPECT_EQ(step.refusal, row.want) << what;
    EXPECT_EQ(step.return_held, row.return_held) << what;
    if (row.want == x::none) {
      EXPECT_EQ(step.next, row.to) << what;
    }
  }
}

TEST(shift, presence_names_round_trip_and_unknown_ones_are_refused) {
  for (const presence value : {p::available, p::away, p::off}) {
    EXPECT_EQ(parse_presence(to_string(value)), value);
  }
  EXPECT_EQ(to_string(p::available), "available");
  EXPECT_EQ(to_string(p::away), "away");
  EXPECT_EQ(to_string(p::off), "off");
  EXPECT_EQ(parse_presence(""), std::nullopt);
  EXPECT_EQ(parse_presence("Available"), std::nullopt);
  EXPECT_EQ(parse_presence("busy"), std::nullopt);
  EXPECT_EQ(to_string(x::handover_note_required), "handover_note_required");
  EXPECT_EQ(to_string(x::none), "");
}

struct capacity_row {
  staff_role role;
  std::size_t held;
  std::optional<unsigned> capacity;
  capacity_refusal want;
};

const std::vector<capacity_row> capacity_table{
    {staff_role::counsellor, 0, 1, capacity_refusal::none},
    {staff_role::counsellor, 0, 3, capacity_refusal::none},
    {staff_role::counsellor, 2, 3, capacity_refusal::none},
    {staff_role::counsellor, 3, 3, capacity_refusal::over_capacity},
    {staff_role::counsellor, 4, 3, capacity_refusal::over_capacity},  // a supervisor assigned beyond it
    {staff_role::counsellor, 1, 1, capacity_refusal::over_capacity},
    {staff_role::supervisor, 0, 3, capacity_refusal::none},
    {staff_role::supervisor, 3, 3, capacity_refusal::none},  // a supervisor may go beyond it
    {staff_role::supervisor, 10, 1, capacity_refusal::none},
    {staff_role::counsellor, 0, std::nullopt, capacity_refusal::none},  // no capacity: no limit
    {staff_role::counsellor, 40, std::nullopt, capacity_refusal::none},
};

TEST(shift, capacity_as_tabled) {
  for (const auto& row : capacity_table) {
    EXPECT_EQ(may_take_another(row.role, row.held, row.capacity), row.want)
        << to_string(row.role) << " holding " << row.held << " of " << row.capacity.value_or(0);
  }
  EXPECT_EQ(to_string(capacity_refusal::over_capacity), "over_capacity");
}

TEST(shift, own_capacity_wins_over_the_tenant_default) {
  EXPECT_EQ(effective_capacity(std::nullopt, 3U), 3U);
  EXPECT_EQ(effective_capacity(5U, 3U), 5U);
  EXPECT_EQ(effective_capacity(1U, 3U), 1U);
  EXPECT_EQ(effective_capacity(2U, std::nullopt), 2U);
  EXPECT_EQ(effective_capacity(std::nullopt, std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace yorisoi::routing
