# Compiler, warnings, ccache and mold. Everything here is about how we compile, nothing
# about what.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "" FORCE)
endif()

option(KRILIN_WERROR "Treat warnings as errors (CI sets this)" OFF)
option(KRILIN_FUZZ "Build the libFuzzer targets (needs clang)" OFF)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

find_program(MOLD_PROGRAM mold)
if(MOLD_PROGRAM AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_link_options(-fuse-ld=mold)
endif()

# Debug info is what makes a one-file rebuild slow to link; -g1 keeps line tables.
string(REGEX REPLACE "(^| )-g( |$)" "\\1-g1\\2" CMAKE_CXX_FLAGS_RELWITHDEBINFO "${CMAKE_CXX_FLAGS_RELWITHDEBINFO}")

add_library(krilin_warnings INTERFACE)
target_compile_options(krilin_warnings INTERFACE -Wall -Wextra -Wno-missing-field-initializers
  # g++ 12 at -O3 reports impossible std::string copies (GCC PR 105329): noise, not bugs.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  # …and a mismatched operator delete on Asio coroutine frames (a false positive of its
  # coroutine lowering; the frame allocator and deallocator are a matching pair).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)
if(KRILIN_WERROR)
  target_compile_options(krilin_warnings INTERFACE -Werror)
endif()

# Asio/Beast settings shared by every target so that their ABI is one.
add_compile_definitions(
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE
  BOOST_JSON_NO_LIB
  BOOST_URL_NO_LIB
  BOOST_ALL_NO_LIB)

# Fuzzing (clang only): every target is instrumented for libFuzzer and ASan; the fuzz
# targets themselves (krilin_add_fuzz) link the libFuzzer driver. scripts/test builds
# them in build-fuzz/ and runs each briefly. (UBSan is left out: clang 14 with
# fuzzer-no-link + undefined fails on Asio coroutines with "Cannot represent a
# difference across sections".)
if(KRILIN_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address)
endif()

# krilin_add_fuzz(NAME <name>_fuzz SOURCES ... LIBS ...): a libFuzzer target, defined only
# in a KRILIN_FUZZ build. Seeds live in src/<layer>/fuzz_corpus/<name>/.
function(krilin_add_fuzz)
  cmake_parse_arguments(F "" "NAME" "SOURCES;LIBS" ${ARGN})
  if(NOT KRILIN_FUZZ)
    return()
  endif()
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
endfunction()
