# check_cosim_divergence.cmake — the cross-check must catch an RTL that is
# one cycle slow: exit 1, a divergence report naming both answers, and an
# FST waveform of the window before it.
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
file(REMOVE ${WAVE})
execute_process(COMMAND ${COSIM} ${arg_list} --perturb-rtl --max-records 20000 --wave ${WAVE}
                        --wave-window 200 ${TRACE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit 1 from a perturbed RTL, got ${rc}\n${out}\n${err}")
endif()
if(NOT out MATCHES "cosim DIVERGED" OR NOT err MATCHES "first divergence at cycle [0-9]+"
   OR NOT err MATCHES "model: .*\n  RTL: ")
  message(FATAL_ERROR "no divergence report:\n${out}\n${err}")
endif()
if(NOT EXISTS ${WAVE})
  message(FATAL_ERROR "no waveform written to ${WAVE}")
endif()
file(SIZE ${WAVE} wave_bytes)
if(wave_bytes LESS 1000)
  message(FATAL_ERROR "waveform ${WAVE} is only ${wave_bytes} bytes")
endif()
message(STATUS "divergence caught; waveform ${WAVE}: ${wave_bytes} bytes")
