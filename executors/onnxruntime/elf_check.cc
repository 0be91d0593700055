#include "executors/onnxruntime/elf_check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/scoped_fd.h"

namespace joule {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
constexpr const char kHostMachineName[] = "x86-64";
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
constexpr const char kHostMachineName[] = "aarch64";
#else
#error "joule loads ONNX Runtime on x86-64 and aarch64 Linux only"
#endif

std::string MachineName(uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "aarch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return "riscv";
    default:
      return absl::StrCat("machine ", machine);
  }
}

absl::Status Bad(absl::string_view why) {
  return absl::FailedPreconditionError(why);
}

// Reads exactly `n` bytes at `offset`; false on a short read or an error.
bool ReadAt(int fd, uint64_t offset, void* out, size_t n) {
  char* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

// `offset` + `count` × `entry_size`, or false when it overflows uint64.
bool TableEnd(uint64_t offset, uint64_t count, uint64_t entry_size,
              uint64_t* end) {
  if (entry_size != 0 && count > (UINT64_MAX - offset) / entry_size) {
    return false;
  }
  *end = offset + count * entry_size;
  return true;
}

}  // namespace

absl::Status CheckSharedLibraryFile(const std::string& path) {
  ScopedFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) return absl::NotFoundError("no such file");
    return Bad(absl::StrCat("cannot open: ", std::strerror(err)));
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) {
    return Bad(absl::StrCat("cannot stat: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return Bad("not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);

  Elf64_Ehdr eh;
  if (size < sizeof(eh) || !ReadAt(fd.get(), 0, &eh, sizeof(eh))) {
    if (size >= SELFMAG && ReadAt(fd.get(), 0, &eh, SELFMAG) &&
        std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0) {
      return Bad(absl::StrCat("truncated: ", size,
                              " bytes, shorter than an ELF header"));
    }
    return Bad(
        absl::StrCat("not a shared library: ", size, " bytes, no ELF header"));
  }
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return Bad("not a shared library: no ELF header");
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return Bad("not a 64-bit ELF file");
  }
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return Bad("not a little-endian ELF file");
  }
  if (eh.e_type != ET_DYN) {
    return Bad(absl::StrCat("ELF type ", eh.e_type,
                            " is not a shared object (ET_DYN)"));
  }
  if (eh.e_machine != kHostMachine) {
    return Bad(absl::StrCat("built for ", MachineName(eh.e_machine),
                            ", this host is ", kHostMachineName));
  }

  uint64_t end = 0;
  if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
      !TableEnd(eh.e_phoff, eh.e_phnum, eh.e_phentsize, &end)) {
    return Bad("corrupt: bad program header table");
  }
  if (end > size) {
    return Bad(absl::StrCat("truncated: ", size,
                            " bytes, but its program headers end at byte ",
                            end));
  }
  if (eh.e_shoff != 0) {
    if (!TableEnd(eh.e_shoff, eh.e_shnum, eh.e_shentsize, &end)) {
      return Bad("corrupt: bad section header table");
    }
    if (end > size) {
      return Bad(absl::StrCat("truncated: ", size,
                              " bytes, but its section headers end at byte ",
                              end));
    }
  }

  std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
  if (!phdrs.empty() && !ReadAt(fd.get(), eh.e_phoff, phdrs.data(),
                                phdrs.size() * sizeof(Elf64_Phdr))) {
    return Bad("cannot read its program headers");
  }
  bool has_load = false;
  for (size_t i = 0; i < phdrs.size(); ++i) {
    const Elf64_Phdr& ph = phdrs[i];
    if (ph.p_type != PT_LOAD && ph.p_type != PT_DYNAMIC) continue;
    has_load = has_load || ph.p_type == PT_LOAD;
    if (!TableEnd(ph.p_offset, 1, ph.p_filesz, &end)) {
      return Bad(absl::StrCat("corrupt: segment ", i, " overflows"));
    }
    if (end > size) {
      return Bad(absl::StrCat("truncated: ", size, " bytes, but its segment ",
                              i, " ends at byte ", end));
    }
  }
  if (!has_load) return Bad("corrupt: no loadable segment");
  return absl::OkStatus();
}

}  // namespace joule
