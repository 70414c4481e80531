# check_cosim_inclusion.cmake — the inclusion policies of TLB LOWER are
# exercised, not just accepted. A seeded zipf trace whose footprint overflows
# LOWER (the bundled traces are too small to make a 1536-entry L2 TLB evict
# within a test's budget), with a hot instruction loop that stays in the
# level-1 TLBs, runs in lockstep with LOWER non-inclusive, inclusive and
# exclusive. Every run must agree with the model; under inclusive and
# exclusive the model must have evicted from LOWER; and each policy must
# change which TLB answers (an inclusive LOWER's back-invalidations cost
# hits in UPPER, even a TLB off the fill's path; an exclusive LOWER holds
# other entries), which a policy the RTL ignored would not.
# Variables: MMULAB, COSIM, ARGS (the build's config arguments), WORK,
# RECORDS, UPPER (TLBs separated by commas), LOWER.
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
string(REPLACE "," ";" UPPER "${UPPER}")
set(trace ${WORK}/inclusion-zipf.mmt)
execute_process(COMMAND ${MMULAB} trace gen zipf --records ${RECORDS} --footprint 32M --seed 1
                        --ifetch-ratio 0.3 ${trace}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mmulab trace gen failed (${rc}):\n${out}\n${err}")
endif()

# "  NAME   N" of the --coverage table
function(table_value out text name)
  if(NOT text MATCHES "\n  ${name} +([0-9]+)\n")
    message(FATAL_ERROR "no \"${name}\" in the output:\n${text}")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

foreach(policy non-inclusive inclusive exclusive)
  execute_process(COMMAND ${COSIM} ${arg_list} --set ${LOWER}.inclusion=${policy} --coverage ${trace}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "cosim agree: [^\n]* 0 mismatches")
    message(FATAL_ERROR "${LOWER}.inclusion=${policy}: the cross-check failed (${rc}):\n${out}\n${err}")
  endif()
  string(REGEX MATCH "cosim agree: [^\n]*" line "${out}")
  set(upper_hits 0)
  foreach(tlb ${UPPER})
    table_value(hits "${out}" "hits in ${tlb}")
    math(EXPR upper_hits "${upper_hits} + ${hits}")
  endforeach()
  table_value(lower_hits "${out}" "hits in ${LOWER}")
  table_value(lower_evictions "${out}" "evictions in ${LOWER}")
  set(upper_${policy} ${upper_hits})
  set(lower_${policy} ${lower_hits})
  string(REPLACE ";" "+" upper_names "${UPPER}")
  message(STATUS "${policy}: ${line}\n  hits in ${upper_names}: ${upper_hits}, in ${LOWER}: ${lower_hits}; "
                 "evictions in ${LOWER} (model): ${lower_evictions}")
  if(NOT policy STREQUAL "non-inclusive" AND lower_evictions EQUAL 0)
    message(FATAL_ERROR "${policy}: ${LOWER} evicted nothing: the run does not exercise the policy")
  endif()
endforeach()

if(${upper_inclusive} EQUAL ${upper_non-inclusive})
  message(FATAL_ERROR "inclusive: ${UPPER} hit ${upper_inclusive} times, as under non-inclusive: "
                      "no back-invalidation reached them")
endif()
if(${lower_exclusive} EQUAL ${lower_non-inclusive})
  message(FATAL_ERROR "exclusive: ${LOWER} hit ${lower_exclusive} times, as under non-inclusive")
endif()
message(STATUS "the policies change the answers: hits in ${upper_names} ${upper_non-inclusive} -> "
               "${upper_inclusive} (inclusive); in ${LOWER} ${lower_non-inclusive} -> "
               "${lower_exclusive} (exclusive)")
