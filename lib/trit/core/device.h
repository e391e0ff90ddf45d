#pragma once
// Where a tensor's storage lives. Kept in every tensor and checked at every op so the CUDA
// backend slots in without touching callers.
#include <cstdint>
#include <initializer_list>
#include <string>

namespace trit {

enum class DeviceType : uint8_t { cpu, cuda };

struct Device {
  DeviceType type = DeviceType::cpu;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int index = 0) { return {DeviceType::cuda, index}; }
  bool is_cpu() const { return type == DeviceType::cpu; }
  bool is_cuda() const { return type == DeviceType::cuda; }
  bool operator==(const Device&) const = default;
  std::string str() const { return is_cpu() ? "cpu" : "cuda:" + std::to_string(index); }
};

Device parse_device(const std::string& name);  // "cpu", "cuda", "cuda:1"

// Throws trit::Error naming the op and the first two devices that differ ("add: tensors on
// cpu and cuda:0; move them to one device with to()").
void check_same_device(const char* op, std::initializer_list<Device> devices);

}  // namespace trit
