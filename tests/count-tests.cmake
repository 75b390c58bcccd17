# Fails unless the build tree registers at least MIN tests (ctest -N).
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} -N WORKING_DIRECTORY ${BUILD}
  OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT listing MATCHES "Total Tests: ([0-9]+)")
  message(FATAL_ERROR "ctest -N failed in ${BUILD}")
endif()
set(count ${CMAKE_MATCH_1})
if(count LESS MIN)
  message(FATAL_ERROR "${count} tests registered, at least ${MIN} expected: a group of tests vanished")
endif()
message(STATUS "${count} tests registered (at least ${MIN})")
