# Copies Preact, its hooks and htm out of node_modules into the served vendor/ folder (cmake -P).
# The hooks module imports the bare specifier "preact"; browsers resolve bare specifiers only through an
# import map, and an import map is an inline script, which the console's CSP (script-src 'self') forbids.
# So the import is rewritten to the relative file, and any other bare import fails the build.
set(files
  "preact/dist/preact.module.js\;preact.module.js"
  "preact/hooks/dist/hooks.module.js\;hooks.module.js"
  "htm/dist/htm.module.js\;htm.module.js"
)
file(MAKE_DIRECTORY ${OUT})
foreach(pair IN LISTS files)
  list(GET pair 0 from)
  list(GET pair 1 to)
  file(READ ${SRC}/${from} text)
  string(REPLACE "from\"preact\"" "from\"./preact.module.js\"" text "${text}")
  # The source map comment points at a file we do not ship.
  string(REGEX REPLACE "\n//# sourceMappingURL=[^\n]*" "" text "${text}")
  string(REGEX MATCH "(from|import)[ ]*\"[^./][^\"]*\"" bare "${text}")
  if(bare)
    message(FATAL_ERROR "console: ${from} still has a bare import (${bare}); extend vendor.cmake")
  endif()
  file(WRITE ${OUT}/${to}.tmp "${text}")
  file(RENAME ${OUT}/${to}.tmp ${OUT}/${to})
endforeach()
