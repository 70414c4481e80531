# check_rtl_params.cmake — fails when `mmulab rtl-params ARGS` no longer
# writes what EXPECTED (a committed rtl/generated/*/mmu_cfg_pkg.sv) holds.
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${MMULAB} rtl-params ${arg_list} OUTPUT_VARIABLE generated
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mmulab rtl-params ${ARGS} failed: ${err}")
endif()
file(READ ${EXPECTED} expected)
if(NOT generated STREQUAL expected)
  message(FATAL_ERROR "${EXPECTED} is stale: regenerate it with `mmulab rtl-params ${ARGS} -o ${EXPECTED}`")
endif()
