#pragma once
// File names inside a spool directory and the cursor file's text. Pure, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace yorisoi::gateway::spool_naming {

inline constexpr std::string_view cursor_name = "cursor";

// "spool-0000000000000042.log"
[[nodiscard]] std::string segment_name(std::uint64_t seq);
// The sequence number of a segment file name; nullopt for any other name.
[[nodiscard]] std::optional<std::uint64_t> parse_segment_name(std::string_view name);
// "quarantine-<16-digit seq>-<16-digit offset>.bin": the same damage always gets the same name,
// so quarantining it again after a crash overwrites rather than duplicates.
[[nodiscard]] std::string quarantine_name(std::uint64_t seq, std::uint64_t offset);
// Whether a file name is one quarantine_name makes ("quarantine-" … ".bin").
[[nodiscard]] bool is_quarantine_name(std::string_view name);

// "yorisoi-spool-cursor 1 <seq> <offset>\n"
[[nodiscard]] std::string format_cursor(std::uint64_t seq, std::uint64_t offset);
// {seq, offset}; nullopt unless the text is exactly what format_cursor writes.
[[nodiscard]] std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_cursor(std::string_view text);

}  // namespace yorisoi::gateway::spool_naming
