# Compiles configs/presets/*.json into a C table (presets_gen.c) so the
# binary needs no data files and the JSON stays the one source of truth.
file(GLOB MMULAB_PRESET_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/configs/presets/*.json)
list(SORT MMULAB_PRESET_FILES)
set(MMULAB_PRESETS_C ${PROJECT_BINARY_DIR}/generated/presets_gen.c)
add_custom_command(
  OUTPUT ${MMULAB_PRESETS_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${MMULAB_PRESETS_C} -DDIR=${PROJECT_SOURCE_DIR}/configs/presets
          -P ${PROJECT_SOURCE_DIR}/cmake/embed_presets_run.cmake
  DEPENDS ${MMULAB_PRESET_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_presets_run.cmake
  COMMENT "Embedding config presets")
