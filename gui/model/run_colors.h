#pragma once
// The colour of the i-th run, as 0xRRGGBB. Ten distinct hues (Tableau 10, also
// matplotlib's default cycle), then repeated; tests look for these in screenshots.
#include <cstddef>
#include <cstdint>

namespace trit::monitor {

inline uint32_t run_color_rgb(size_t index) {
  static constexpr uint32_t kColors[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                         0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
  return kColors[index % (sizeof kColors / sizeof kColors[0])];
}

}  // namespace trit::monitor
