# Unit tests sit beside the code they test (foo_test.cpp next to foo.cpp). Each layer
# gathers its tests into one GoogleTest binary; scripts/test runs them through CTest and
# counts the results from the JUnit files they write.
enable_testing()
set(KRILIN_TEST_RESULTS_DIR ${CMAKE_BINARY_DIR}/test-results)

# krilin_add_test(NAME <name> SOURCES ... LIBS ... [ENV k=v ...])
function(krilin_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main krilin_warnings)
  add_test(NAME ${T_NAME}
           COMMAND ${T_NAME} --gtest_output=xml:${KRILIN_TEST_RESULTS_DIR}/${T_NAME}.xml)
  set_tests_properties(${T_NAME} PROPERTIES LABELS unit)
endfunction()
