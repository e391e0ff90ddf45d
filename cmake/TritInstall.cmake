# `cmake --install` puts the library, headers and a package config so that an outside
# project can `find_package(trit)` and link `trit::trit`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
install(TARGETS trit trit_blas trit_hdf5 EXPORT tritTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/trit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(EXPORT tritTargets NAMESPACE trit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/trit)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tritConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tritConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/trit)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tritConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tritConfig.cmake ${PROJECT_BINARY_DIR}/tritConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/trit)
