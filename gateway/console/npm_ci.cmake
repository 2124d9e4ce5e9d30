# Makes sure the console's npm packages are installed from the lockfile (cmake -P, run by the build when
# the vendored inputs look older than package-lock.json). `npm ci` runs only when they are missing or were
# installed from an older lockfile: a registry outage must not fail a build that already has them.
set(needed preact/dist/preact.module.js preact/hooks/dist/hooks.module.js htm/dist/htm.module.js
           chart.js/dist/chart.js chart.js/dist/chunks/index.js @kurkle/color/dist/color.esm.js)
set(have_all TRUE)
foreach(file IN LISTS needed)
  if(NOT EXISTS ${DIR}/node_modules/${file})
    set(have_all FALSE)
  endif()
endforeach()
# npm writes node_modules/.package-lock.json at install time, so its date says which lockfile it installed.
set(current FALSE)
if(have_all AND EXISTS ${DIR}/node_modules/.package-lock.json
   AND ${DIR}/node_modules/.package-lock.json IS_NEWER_THAN ${DIR}/package-lock.json)
  set(current TRUE)
endif()

if(NOT current)
  if(NOT NPM)
    message(FATAL_ERROR "console: node_modules is missing or stale and npm was not found; install npm, "
                        "or run `npm ci` in ${DIR}")
  endif()
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "console: `npm ci` failed in ${DIR} (${result})")
  endif()
endif()

# npm keeps the packages' own (old) file dates: touch them so that the build sees them as up to date.
foreach(file IN LISTS needed)
  file(TOUCH_NOCREATE ${DIR}/node_modules/${file})
endforeach()
