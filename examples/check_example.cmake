# Runs one example and checks how it ended. Included by the per-test scripts
# that examples/CMakeLists.txt generates, which set:
#   PROG        the executable (passed with -DPROG=... at test time)
#   TEST_ARGS   its arguments (a list)
#   WORKDIR     working directory ("" = current)
#   STDIN_FILE  file fed to stdin
#   EXIT        "zero" or "nonzero": how the program must end
#   EXPECT      regexes that must all match the combined stdout+stderr
#   REJECT      regexes none of which may match
# ctest's own PASS_REGULAR_EXPRESSION accepts *any* of its regexes and then
# ignores the exit status; this script needs all of them *and* the status.

if(NOT PROG)
    message(FATAL_ERROR "check_example: PROG not set")
endif()
if(NOT WORKDIR)
    set(WORKDIR ".")
endif()

execute_process(
    COMMAND "${PROG}" ${TEST_ARGS}
    WORKING_DIRECTORY "${WORKDIR}"
    INPUT_FILE "${STDIN_FILE}"
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out
    RESULT_VARIABLE status
    TIMEOUT 25)

message("${out}")
message("[exit status: ${status}]")

set(failed "")
# A crash by signal leaves text such as "Child aborted" instead of a number.
if(EXIT STREQUAL "zero" AND NOT status STREQUAL "0")
    list(APPEND failed "expected exit status 0, got '${status}'")
elseif(EXIT STREQUAL "nonzero" AND status STREQUAL "0")
    list(APPEND failed "expected a non-zero exit status, got 0")
endif()
if(status MATCHES "timeout")
    list(APPEND failed "timed out (hang?)")
endif()
foreach(re IN LISTS EXPECT)
    if(NOT out MATCHES "${re}")
        list(APPEND failed "output does not match: ${re}")
    endif()
endforeach()
foreach(re IN LISTS REJECT)
    if(out MATCHES "${re}")
        list(APPEND failed "output must not match: ${re}")
    endif()
endforeach()

if(failed)
    list(JOIN failed "\n  " msg)
    message(FATAL_ERROR "check_example: ${msg}")
endif()
