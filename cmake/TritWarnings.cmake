# Compile options for our own targets: call trit_warnings(target) on every target we own,
# never on third-party code.
# - Warnings are errors.
# - TRIT_MARCH picks the instruction set: x86-64-v3 (AVX2, FMA, F16C; every x86 server and
#   desktop CPU since about 2015) by default, "native" for the build machine, or "" for the
#   compiler's default. Kernels that need more (AVX-512, VNNI) select it at run time.
# - -fno-math-errno: we never read errno after math calls, and it lets sqrt and friends vectorise.
set(TRIT_MARCH "x86-64-v3" CACHE STRING "Target instruction set (-march); empty for the compiler default")
if(TRIT_NATIVE)
  set(TRIT_MARCH "native" CACHE STRING "" FORCE)
endif()
if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(TRIT_MARCH "")
endif()

function(trit_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror -Wno-unused-parameter -fno-math-errno>
    $<$<COMPILE_LANGUAGE:CUDA>:-Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror,-Wno-unused-parameter>)
  if(TRIT_MARCH)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-march=${TRIT_MARCH}>)
  endif()
endfunction()
