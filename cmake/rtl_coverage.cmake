# rtl_coverage.cmake — runs the coverage build of the cross-check (a random
# run with drawn parameters, then a bundled trace), merges the Verilator
# coverage data and prints its summary; fails if a run diverges or the data
# is missing. The annotated sources land in OUT/annotated.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${COSIM} ${arg_list} --random 3 --random-config --requests 30000
                        --rtl-coverage ${OUT}/random.dat
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "random run failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND ${COSIM} ${arg_list} --max-records 100000 --rtl-coverage ${OUT}/trace.dat ${TRACE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "trace run failed (${rc}):\n${out}\n${err}")
endif()
foreach(f random.dat trace.dat)
  if(NOT EXISTS ${OUT}/${f})
    message(FATAL_ERROR "no coverage data ${OUT}/${f}")
  endif()
endforeach()
execute_process(COMMAND verilator_coverage --write ${OUT}/merged.dat ${OUT}/random.dat ${OUT}/trace.dat
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
execute_process(COMMAND verilator_coverage --annotate ${OUT}/annotated ${OUT}/merged.dat
                RESULT_VARIABLE rc OUTPUT_VARIABLE summary ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT summary MATCHES "Total coverage")
  message(FATAL_ERROR "verilator_coverage failed (${rc}):\n${summary}\n${err}")
endif()
message(STATUS "Verilator coverage of rtl/ (lines and toggles, one random run + one trace):\n${summary}")
