# Use ccache for C, C++ and CUDA when it is installed: rebuilds after a branch switch
# or a clean build directory cost seconds instead of minutes.
find_program(TRIT_CCACHE ccache)
if(TRIT_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${TRIT_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${TRIT_CCACHE})
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${TRIT_CCACHE})
endif()
