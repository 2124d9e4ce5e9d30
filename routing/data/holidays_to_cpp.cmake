# Turns routing/data/jp_holidays.csv into a sorted constexpr table (run at build time by CMake).
# In: CSV (date,name,name_en). Out: OUT header defining yorisoi::routing::detail::jp_holidays.
file(STRINGS "${CSV}" lines ENCODING UTF-8)
list(REMOVE_AT lines 0)
set(body "")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9]),([^,]*),")
    string(APPEND body "    {${CMAKE_MATCH_1}${CMAKE_MATCH_2}${CMAKE_MATCH_3}, \"${CMAKE_MATCH_4}\"},\n")
    math(EXPR count "${count} + 1")
  elseif(NOT line STREQUAL "")
    message(FATAL_ERROR "${CSV}: cannot read line '${line}'")
  endif()
endforeach()
file(WRITE "${OUT}.tmp" "#pragma once
// Generated from routing/data/jp_holidays.csv by routing/data/holidays_to_cpp.cmake. Do not edit.
#include <string_view>
namespace yorisoi::routing::detail {
struct holiday_row {
  int yyyymmdd;
  std::string_view name;
};
inline constexpr holiday_row jp_holidays[${count}] = {
${body}};
}  // namespace yorisoi::routing::detail
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
