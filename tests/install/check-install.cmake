# Installs the build tree into a scratch prefix, then builds and runs a
# consumer through find_package(knot) (shared and static) and through
# pkg-config. Run as: cmake -DBUILD=... -DWORK=... -DSRC=... -P check-install.cmake
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

function(expect_sum what)
  if(NOT last_output MATCHES "sum of squares: 385")
    message(FATAL_ERROR "${what} printed: ${last_output}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f include/knot/knot.h lib/libknot.a lib/cmake/knot/knotConfig.cmake lib/pkgconfig/knot.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "install lacks ${f}")
  endif()
endforeach()

# CMake package
run(${CMAKE_COMMAND} -S ${SRC}/consumer -B ${WORK}/consumer -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build ${WORK}/consumer)
run(${WORK}/consumer/consumer)
expect_sum("find_package consumer (shared)")
run(${WORK}/consumer/consumer_static)
expect_sum("find_package consumer (static)")

# pkg-config
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(${PKG_CONFIG} --cflags --libs knot)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(cc ${SRC}/consumer/main.c -o ${WORK}/pc-consumer ${flags} -Wl,-rpath,${prefix}/lib)
run(${WORK}/pc-consumer)
expect_sum("pkg-config consumer")
message(STATUS "install, find_package and pkg-config all work")
