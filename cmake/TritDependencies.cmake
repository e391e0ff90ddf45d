# Third-party libraries, all from Debian packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.0 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C)

# BLAS: OpenBLAS through its CBLAS interface (chosen over Eigen's GEMM by bench/gemm), in its
# OpenMP build when installed (Debian: libopenblas-openmp-dev): its threads are then the same
# libgomp pool as ours. With the pthread build, two pools spin against each other on every
# matmul, and two threads ran a training step 2.4x slower than one (bench/RESULTS.md).
set(_trit_blas_dir ${CMAKE_LIBRARY_ARCHITECTURE})
find_path(TRIT_CBLAS_INCLUDE cblas.h
  PATHS /usr/include/${_trit_blas_dir}/openblas-openmp NO_DEFAULT_PATH)
find_library(TRIT_OPENBLAS_LIBRARY NAMES openblas
  PATHS /usr/lib/${_trit_blas_dir}/openblas-openmp NO_DEFAULT_PATH)
find_path(TRIT_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas REQUIRED)
find_library(TRIT_OPENBLAS_LIBRARY NAMES openblas REQUIRED)
message(STATUS "trit: BLAS ${TRIT_OPENBLAS_LIBRARY}")
add_library(trit_blas INTERFACE)
target_include_directories(trit_blas SYSTEM INTERFACE ${TRIT_CBLAS_INCLUDE})
target_link_libraries(trit_blas INTERFACE ${TRIT_OPENBLAS_LIBRARY})

add_library(trit_hdf5 INTERFACE)
target_include_directories(trit_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS} ${HDF5_INCLUDE_DIRS})
target_link_libraries(trit_hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_LIBRARIES})
target_compile_definitions(trit_hdf5 INTERFACE ${HDF5_DEFINITIONS})
