# CMake toolchain file: build C code with llmcc as the C compiler.
#
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=/path/to/llmcc/cmake/llmcc-toolchain.cmake
#
# llmcc is found like the wrappers find it: $ENV{LLMCC}, else `llmcc` on PATH, else the
# repository's .venv/bin/llmcc next to this file. Set LLMCC_EXECUTABLE (cache variable) to
# pin a path. llmcc behaves exactly like clang-22, so CMake identifies the compiler as
# Clang 22 and every flag CMake adds is understood.
#
# CMake reads this file again for every try_compile project, so it must only set
# variables, never depend on state from a previous read.

if(NOT LLMCC_EXECUTABLE)
  if(DEFINED ENV{LLMCC} AND NOT "$ENV{LLMCC}" STREQUAL "")
    set(_llmcc_found "$ENV{LLMCC}")
  else()
    find_program(_llmcc_found NAMES llmcc
                 HINTS "${CMAKE_CURRENT_LIST_DIR}/../.venv/bin"
                 NO_CACHE)
  endif()
  if(NOT _llmcc_found)
    message(FATAL_ERROR
      "llmcc-toolchain.cmake: llmcc not found. Set LLMCC=/path/to/llmcc in the environment, "
      "put llmcc on PATH, or pass -DLLMCC_EXECUTABLE=/path/to/llmcc.")
  endif()
  set(LLMCC_EXECUTABLE "${_llmcc_found}" CACHE FILEPATH "llmcc compiler driver")
  unset(_llmcc_found)
endif()

set(CMAKE_C_COMPILER "${LLMCC_EXECUTABLE}")
# try_compile projects do not see the cache of the main project; forward the pin.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LLMCC_EXECUTABLE)
