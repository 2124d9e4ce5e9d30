# Copies Preact, its hooks, htm and chart.js (with its one dependency, @kurkle/color) out of node_modules
# into the served vendor/ folder, flat (cmake -P).
# Browsers resolve bare specifiers ("preact", '@kurkle/color') only through an import map, and an import
# map is an inline script, which the console's CSP (script-src 'self') forbids. So those imports are
# rewritten to the relative files, chart.js's chunk gets a name of its own in the flat folder, and any
# other bare import, or a relative import of a file not shipped, fails the build.
cmake_policy(SET CMP0057 NEW)  # if(... IN_LIST ...) in script mode
set(files
  "preact/dist/preact.module.js\;preact.module.js"
  "preact/hooks/dist/hooks.module.js\;hooks.module.js"
  "htm/dist/htm.module.js\;htm.module.js"
  "chart.js/dist/chart.js\;chart.module.js"
  "chart.js/dist/chunks/index.js\;chart.chunk.js"
  "@kurkle/color/dist/color.esm.js\;color.module.js"
)
file(MAKE_DIRECTORY ${OUT})
set(shipped)
foreach(pair IN LISTS files)
  list(GET pair 1 to)
  list(APPEND shipped ${to})
endforeach()
foreach(pair IN LISTS files)
  list(GET pair 0 from)
  list(GET pair 1 to)
  file(READ ${SRC}/${from} text)
  string(REPLACE "from\"preact\"" "from\"./preact.module.js\"" text "${text}")
  string(REPLACE "'@kurkle/color'" "'./color.module.js'" text "${text}")
  string(REPLACE "'./chunks/index.js'" "'./chart.chunk.js'" text "${text}")
  # The source map comment points at a file we do not ship.
  string(REGEX REPLACE "\n//# sourceMappingURL=[^\n]*" "" text "${text}")
  string(REGEX MATCH "(from|import)[ ]*[\"'][^./\"'][^\"']*[\"']" bare "${text}")
  if(bare)
    message(FATAL_ERROR "console: ${from} still has a bare import (${bare}); extend vendor.cmake")
  endif()
  string(REGEX MATCHALL "(from|import)[ ]*[\"']\\./[^\"']*[\"']" relative "${text}")
  foreach(import IN LISTS relative)
    string(REGEX REPLACE ".*[\"']\\./([^\"']*)[\"']" "\\1" target "${import}")
    if(NOT target IN_LIST shipped)
      message(FATAL_ERROR "console: ${from} imports ./${target}, which vendor/ does not ship")
    endif()
  endforeach()
  file(WRITE ${OUT}/${to}.tmp "${text}")
  file(RENAME ${OUT}/${to}.tmp ${OUT}/${to})
endforeach()
