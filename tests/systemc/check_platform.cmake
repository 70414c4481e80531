# check_platform.cmake — the SystemC platform against `mmulab run` and the
# RTL back-end against the C model back-end, on the first RECORDS records of
# a bundled trace (RECORDS 0: all of TRACE):
#   - the JSON report of mmulab-systemc-run (C model back-end, STYLE) equals
#     `mmulab run --json` byte for byte, and its table begins with `mmulab
#     run`'s table;
#   - with RTL=1, the RTL back-end's report equals it too, and its
#     per-translation log (PA, page size, fault, hit, cycles, the socket's
#     END_REQ and response delays) equals the C model back-end's line for line.
# cmake -DRUN=... -DMMULAB=... -DPREFIX=... -DTRACE=... -DRECORDS=N -DOUT=DIR
#       -DSTYLE=at|lt -DRTL=0|1 "-DARGS=config arguments"
#       ["-DRUN_ARGS=config arguments for mmulab run, if not ARGS"] -P check_platform.cmake
separate_arguments(args UNIX_COMMAND "${ARGS}")
if(DEFINED RUN_ARGS)
  separate_arguments(run_args UNIX_COMMAND "${RUN_ARGS}")
else()
  set(run_args ${args})
endif()
get_filename_component(name ${TRACE} NAME_WE)
file(MAKE_DIRECTORY ${OUT})
set(trace ${OUT}/${name}-${RECORDS}.mmt)
if(RECORDS EQUAL 0)
  set(trace ${TRACE})  # the whole trace
elseif(NOT EXISTS ${trace})
  execute_process(COMMAND ${PREFIX} ${TRACE} ${RECORDS} ${trace} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "trace_prefix ${TRACE} failed")
  endif()
endif()

function(run_or_fail what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}):\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# files a and b must be equal; else the message and where they first differ
function(expect_same a b what)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${a} ${b} RESULT_VARIABLE differ)
  if(differ)
    execute_process(COMMAND diff ${a} ${b} OUTPUT_VARIABLE d)
    string(SUBSTRING "${d}" 0 1500 d)
    message(FATAL_ERROR "${what} (${a}, ${b}):\n${d}")
  endif()
endfunction()

# runs of other styles and configs may check the same trace at the same time
string(MD5 hash "${ARGS}|${RUN_ARGS}")
string(SUBSTRING ${hash} 0 8 hash)
set(tag ${name}-${STYLE}-${hash})
run_or_fail("mmulab run" ${MMULAB} run --json ${run_args} ${trace})
file(WRITE ${OUT}/${tag}-run.json "${out}")
run_or_fail("mmulab run" ${MMULAB} run ${run_args} ${trace})
set(run_table "${out}")

run_or_fail("mmulab-systemc-run --backend model" ${RUN} --json --backend model --style ${STYLE} ${args}
            --log ${OUT}/${tag}-model.log ${trace})
file(WRITE ${OUT}/${tag}-model.json "${out}")
message(STATUS "model back-end: ${err}")
expect_same(${OUT}/${tag}-run.json ${OUT}/${tag}-model.json
            "the SystemC report (C model back-end, ${STYLE}) differs from mmulab run")

run_or_fail("mmulab-systemc-run (table)" ${RUN} --backend model --style ${STYLE} ${args} ${trace})
string(LENGTH "${run_table}" n)
string(SUBSTRING "${out}" 0 ${n} head)
string(SUBSTRING "${out}" ${n} -1 tail)
if(NOT head STREQUAL run_table OR NOT tail MATCHES "^systemc: model back-end")
  message(FATAL_ERROR "the SystemC table differs from mmulab run's:\n${out}\n--- mmulab run:\n${run_table}")
endif()

if(RTL)
  run_or_fail("mmulab-systemc-run --backend rtl" ${RUN} --json --backend rtl --style ${STYLE} ${args}
              --log ${OUT}/${tag}-rtl.log ${trace})
  file(WRITE ${OUT}/${tag}-rtl.json "${out}")
  message(STATUS "RTL back-end: ${err}")
  expect_same(${OUT}/${tag}-run.json ${OUT}/${tag}-rtl.json
              "the SystemC report (RTL back-end, ${STYLE}) differs from mmulab run")
  expect_same(${OUT}/${tag}-model.log ${OUT}/${tag}-rtl.log
              "the RTL back-end's translations differ from the C model back-end's")
  file(STRINGS ${OUT}/${tag}-rtl.log lines)
  list(LENGTH lines n)
  message(STATUS "${n} log lines equal (header included)")
endif()
