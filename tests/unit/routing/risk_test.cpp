#include "yorisoi/routing/risk.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using r = risk_level;
using s = risk_source;
constexpr std::optional<risk_level> none = std::nullopt;

struct effective_row {
  std::optional<risk_level> set;
  bool lowered;
  bool urgent;
  std::optional<risk_level> want;
  risk_source source;
};

// Every set level (and none), urgent or not, lowered or not, written out.
const std::vector<effective_row> effective_table{
    {none, false, false, none, s::none},
    {none, false, true, r::high, s::keyword},  // a crisis keyword reads as 高
    {r::low, false, false, r::low, s::counsellor},
    {r::medium, false, false, r::medium, s::counsellor},
    {r::high, false, false, r::high, s::counsellor},
    {r::critical, false, false, r::critical, s::counsellor},
    {r::low, false, true, r::high, s::keyword},  // set before the keyword came: lifted
    {r::medium, false, true, r::high, s::keyword},
    {r::high, false, true, r::high, s::counsellor},
    {r::critical, false, true, r::critical, s::counsellor},  // above what urgency gives
    {r::low, true, true, r::low, s::counsellor},  // lowered with a reason: the set level wins
    {r::medium, true, true, r::medium, s::counsellor},
    {r::low, true, false, r::low, s::counsellor},
    {r::high, true, true, r::high, s::counsellor},
};

TEST(risk, effective_level_as_tabled) {
  for (const auto& row : effective_table) {
    const effective_risk got = effective_risk_of(row.set, row.lowered, row.urgent);
    const std::string where = "set " + std::string(row.set ? to_string(*row.set) : "none") + " lowered " +
                              std::to_string(row.lowered) + " urgent " + std::to_string(row.urgent);
    EXPECT_EQ(got.level, row.want) << where;
    EXPECT_EQ(got.source, row.source) << where;
  }
}

TEST(risk, a_level_below_high_on_an_urgent_consultation_is_a_lowering) {
  EXPECT_TRUE(is_lowering(r::low, true));
  EXPECT_TRUE(is_lowering(r::medium, true));
  EXPECT_FALSE(is_lowering(r::high, true));
  EXPECT_FALSE(is_lowering(r::critical, true));
  EXPECT_FALSE(is_lowering(r::low, false));
  EXPECT_FALSE(is_lowering(r::medium, false));
}

TEST(risk, critical_then_high_then_the_rest_in_the_queue) {
  EXPECT_EQ(queue_rank(r::critical), 0);
  EXPECT_EQ(queue_rank(r::high), 1);
  EXPECT_EQ(queue_rank(r::medium), 2);
  EXPECT_EQ(queue_rank(r::low), 2);
  EXPECT_EQ(queue_rank(none), 2);
  // An urgent consultation nobody assessed sorts with the 高 ones; one lowered to 低 does not.
  EXPECT_EQ(queue_rank(effective_risk_of(none, false, true).level), 1);
  EXPECT_EQ(queue_rank(effective_risk_of(r::low, true, true).level), 2);
}

TEST(risk, the_highest_level_reached_counts_urgency_as_high) {
  EXPECT_EQ(highest_reached(none, false), none);
  EXPECT_EQ(highest_reached(none, true), r::high);
  EXPECT_EQ(highest_reached(r::low, false), r::low);
  EXPECT_EQ(highest_reached(r::low, true), r::high);  // lowered later: 高 was reached
  EXPECT_EQ(highest_reached(r::critical, true), r::critical);
  EXPECT_EQ(highest_reached(r::medium, false), r::medium);
}

TEST(risk, names_round_trip_and_unknown_text_is_refused) {
  for (r level : {r::low, r::medium, r::high, r::critical}) {
    EXPECT_EQ(parse_risk(to_string(level)), level);
  }
  EXPECT_EQ(parse_risk("urgent"), none);
  EXPECT_EQ(parse_risk(""), none);
  EXPECT_EQ(parse_risk("High"), none);
  EXPECT_EQ(risk_label(r::critical), "緊急");
  EXPECT_EQ(risk_label(r::low), "低");
}

}  // namespace
}  // namespace yorisoi::routing
