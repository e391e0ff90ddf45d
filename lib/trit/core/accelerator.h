#pragma once
// Whether a CUDA device can be used by this process, and why not when it cannot. Answers in
// every build: without the CUDA backend compiled in, the reason says so. The first call probes
// the driver once; later calls return the cached answer.
#include <string>

namespace trit {

bool cuda_available();
int cuda_device_count();
// Empty when cuda_available(); otherwise one sentence for the user ("this build of trit has no
// CUDA backend", "no CUDA device: <driver's message>").
std::string cuda_unavailable_reason();
// Throws trit::Error with cuda_unavailable_reason() when no device can be used; `what` names the
// caller's request ("run.device=cuda").
void require_cuda(const std::string& what);

}  // namespace trit
