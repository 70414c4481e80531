# check_cosim_os.cmake — the fault-retry channel under load: a seeded
# three-process mix (uniform, zipf, GUPS over 64 MiB each, switched every
# 500 accesses) runs in lockstep with the OS layer on, so nearly every new
# page faults, the OS maps it, and the walk is retried while other walks
# (and merges) are under way. The run must agree with the model (responses,
# completion cycles, and the fault_retries / fault_cycles statistics), and
# the handler must have retried walks (and, with several walkers, walks
# must have overlapped), or the test exercised nothing.
# Variables: MMULAB, COSIM, ARGS (the build's config arguments), WORK, RECORDS.
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
set(trace ${WORK}/os-mix.mmt)
execute_process(COMMAND ${MMULAB} trace gen mix --records ${RECORDS} --processes 3
                        --mix uniform,zipf,gups --quantum 500 --footprint 64M --seed 5 ${trace}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mmulab trace gen failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND ${COSIM} ${arg_list} --set os.enabled=true --coverage ${trace}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "cosim agree: [^\n]* 0 mismatches")
  message(FATAL_ERROR "the cross-check with the OS layer failed (${rc}):\n${out}\n${err}")
endif()
string(REGEX MATCH "cosim agree: [^\n]*" line "${out}")
if(NOT out MATCHES "\n  walks retried after a fault +([0-9]+)\n")
  message(FATAL_ERROR "no retry count in the output:\n${out}")
endif()
set(retries ${CMAKE_MATCH_1})
message(STATUS "${line}\n  walks retried after a fault: ${retries}")
if(retries EQUAL 0)
  message(FATAL_ERROR "the OS layer retried no walk: the test exercised nothing")
endif()
if(out MATCHES "\n  cycles two walks overlapped +([0-9]+)\n")
  message(STATUS "  cycles two walks overlapped: ${CMAKE_MATCH_1}")
  if(CMAKE_MATCH_1 EQUAL 0)
    message(FATAL_ERROR "no two walks overlapped: the test exercised one walker only")
  endif()
endif()
