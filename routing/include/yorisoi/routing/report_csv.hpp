#pragma once
// The report as a CSV file laid out like a city's tables: UTF-8 with a byte order mark (so that Excel
// opens Japanese correctly), CRLF line ends, one table per figure (a title row, a header row, the rows),
// tables separated by an empty line. Text fields are always quoted (a quote inside is doubled), numbers
// are bare. A text field that a spreadsheet would read as a formula (=, +, -, @ first) gets a leading
// apostrophe. Pure; the same report gives the same bytes.

#include "yorisoi/routing/report.hpp"

#include <string>
#include <string_view>

namespace yorisoi::routing {

// `tenant_name` heads the file (e.g. 山形市).
[[nodiscard]] std::string render_report_csv(const report& r, std::string_view tenant_name);

// One CSV field as render_report_csv writes text: quoted, quotes doubled, formulas defused.
[[nodiscard]] std::string csv_text(std::string_view text);

// The Japanese name of a referral stage or cancellation cause as the tables show it (the code itself
// when unknown).
[[nodiscard]] std::string_view referral_stage_label(std::string_view stage) noexcept;
[[nodiscard]] std::string_view referral_cause_label(std::string_view cause) noexcept;

}  // namespace yorisoi::routing
