# `solve --json` prints the resulting state; feeding it back as --state must
# keep those circuits and place the same requests again beside them.
execute_process(COMMAND ${CTL} solve --json --topology ${SRC}/topologies/tiny.yaml
                        --requests ${SRC}/examples/requests/tiny.yaml
                OUTPUT_VARIABLE first RESULT_VARIABLE rc1)
if(NOT rc1 EQUAL 0)
  message(FATAL_ERROR "first solve failed: ${rc1}")
endif()
string(JSON state GET "${first}" state)
file(WRITE ${OUT} "${state}")
execute_process(COMMAND ${CTL} solve --topology ${SRC}/topologies/tiny.yaml
                        --requests ${SRC}/examples/requests/tiny.yaml --state ${OUT}
                OUTPUT_VARIABLE second RESULT_VARIABLE rc2 ERROR_VARIABLE err2)
if(NOT rc2 EQUAL 0)
  message(FATAL_ERROR "solve with --state failed: ${err2}")
endif()
string(JSON n LENGTH "${state}" circuits)
if(n EQUAL 0)
  message(FATAL_ERROR "the first solve allocated nothing")
endif()
if(NOT second MATCHES "circuit\\(s\\) would be allocated")
  message(FATAL_ERROR "unexpected output: ${second}")
endif()
message(STATUS "state with ${n} circuits round-tripped")
