# The solver against exact answers on small fabrics (included from
# tests/solver/CMakeLists.txt).
target_sources(lightpath_solver_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/exact_search.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exact_cases.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exact_compare.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exact_comparison_test.cpp)
