# Helpers that keep every module's CMakeLists.txt a short, uniform list.

# Settings every target of ours gets, and only ours.
add_library(provisio_build_settings INTERFACE)
target_compile_features(provisio_build_settings INTERFACE cxx_std_20)
target_compile_options(provisio_build_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  $<$<BOOL:${PROVISIO_WERROR}>:-Werror>)
# GCC 12 at -O3 (CMake's default Release flags) reports impossible overlaps
# in libstdc++'s own string concatenation (GCC bug 105329), which -Werror
# would turn into a failed build; fixed in GCC 13.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(provisio_build_settings INTERFACE -Wno-restrict)
endif()
if(PROVISIO_SANITIZE)
  target_compile_options(provisio_build_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(provisio_build_settings INTERFACE -fsanitize=address,undefined)
endif()

# provisio_add_library(<module> SOURCES <.cc...> [DEPS <targets...>] [PRIVATE_DEPS <targets...>])
# Creates provisio_<module> with alias provisio::<module>. Public headers live in
# include/provisio/<module>/; DEPS are what its public headers expose,
# PRIVATE_DEPS what only its .cc files use.
function(provisio_add_library module)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target provisio_${module})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(provisio::${module} ALIAS ${target})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target}
    PUBLIC ${ARG_DEPS}
    PRIVATE $<BUILD_INTERFACE:provisio_build_settings> ${ARG_PRIVATE_DEPS})
  if(PROVISIO_SANITIZE)
    # Sanitizer runtimes must reach every executable that links us.
    target_link_options(${target} INTERFACE -fsanitize=address,undefined)
  endif()
endfunction()

# provisio_add_test(<name> SOURCES <.cc...> DEPS <targets...> [LABELS <labels...>])
# One GoogleTest binary; each TEST becomes its own ctest entry.
function(provisio_add_test name)
  if(NOT PROVISIO_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE provisio_build_settings ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    PROVISIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    PROVISIO_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

# provisio_add_program(<name> SOURCES <.cc...> DEPS <targets...>)
# An installed executable built from our code.
function(provisio_add_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE provisio_build_settings ${ARG_DEPS})
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()

# provisio_embed_file(<out_var> <input> <namespace> <symbol>)
# Generates a .cc defining `std::string_view <namespace>::<symbol>()` with the
# bytes of <input> (relative to the current source dir), and appends its path
# to <out_var> so it can be listed in SOURCES. Rebuilt when <input> changes.
function(provisio_embed_file out_var input namespace symbol)
  get_filename_component(abs_input "${input}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cc")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${abs_input} -DOUTPUT=${output}
            -DSYMBOL=${symbol} -DNAMESPACE=${namespace}
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake"
    DEPENDS "${abs_input}" "${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake"
    COMMENT "Embedding ${input}"
    VERBATIM)
  set(${out_var} ${${out_var}} "${output}" PARENT_SCOPE)
endfunction()
