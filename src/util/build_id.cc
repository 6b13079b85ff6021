#include "util/build_id.h"

#include <elf.h>
#include <link.h>

#include <cstring>

namespace eurus {

namespace {

/// dl_iterate_phdr's first object is the executable itself; its PT_NOTE segments hold the
/// build id when it was linked with --build-id (GCC on Debian links with it by default).
int FindBuildId(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);  // NOLINT: ELF notes
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) nh;
      std::memcpy(&nh, p, sizeof nh);
      const char* name = p + sizeof nh;
      const char* desc = name + ((nh.n_namesz + 3) & ~3U);
      if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
          desc + nh.n_descsz <= end) {
        static const char kHex[] = "0123456789abcdef";
        for (ElfW(Word) k = 0; k < nh.n_descsz; ++k) {
          auto b = static_cast<unsigned char>(desc[k]);
          *out += kHex[b >> 4];
          *out += kHex[b & 15];
        }
        return 1;
      }
      p = desc + ((nh.n_descsz + 3) & ~3U);
    }
  }
  return 1;  // only the executable
}

}  // namespace

const std::string& BuildId() {
  static const std::string id = [] {
    std::string s;
    dl_iterate_phdr(FindBuildId, &s);
    return s;
  }();
  return id;
}

}  // namespace eurus
