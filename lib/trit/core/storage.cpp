#include "trit/core/storage.h"

#include <array>
#include <cstdlib>
#include <new>

#include "trit/core/error.h"

#if TRIT_HAVE_CUDA
#include "trit/backend/cuda/device_allocator.h"
#endif

namespace trit {
namespace {

constexpr size_t kAlignment = 64;

class CpuAllocator final : public Allocator {
 public:
  void* allocate(size_t nbytes, Device) override {
    const size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* ptr, size_t, Device) override { std::free(ptr); }
};

std::array<Allocator*, 2>& registry() {
  static CpuAllocator cpu;
#if TRIT_HAVE_CUDA
  static std::array<Allocator*, 2> table{&cpu, &cuda::device_allocator()};
#else
  static std::array<Allocator*, 2> table{&cpu, nullptr};
#endif
  return table;
}

}  // namespace

void register_allocator(DeviceType type, Allocator* allocator) {
  registry()[static_cast<size_t>(type)] = allocator;
}

Allocator& allocator_for(Device device) {
  Allocator* a = registry()[static_cast<size_t>(device.type)];
  TRIT_CHECK(a != nullptr, "device ", device.str(),
             " is not available: this build of trit has no CUDA backend (configure with TRIT_CUDA=ON)");
  return *a;
}

Storage::Storage(size_t nbytes, Device device)
    : nbytes_(nbytes), device_(device), allocator_(&allocator_for(device)) {
  data_ = allocator_->allocate(nbytes, device);
}

Storage::~Storage() { allocator_->deallocate(data_, nbytes_, device_); }

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::cpu();
  if (name == "cuda") return Device::cuda(0);
  if (name.rfind("cuda:", 0) == 0) {
    const std::string idx = name.substr(5);
    TRIT_CHECK(!idx.empty() && idx.find_first_not_of("0123456789") == std::string::npos,
               "bad device '", name, "' (expected cpu, cuda or cuda:N)");
    return Device::cuda(std::stoi(idx));
  }
  fail("bad device '", name, "' (expected cpu, cuda or cuda:N)");
}

void check_same_device(const char* op, std::initializer_list<Device> devices) {
  if (devices.size() == 0) return;
  const Device first = *devices.begin();
  for (const Device& d : devices)
    TRIT_CHECK(d == first, op, ": tensors on ", first.str(), " and ", d.str(),
               "; move them to one device with to() first");
}

}  // namespace trit
