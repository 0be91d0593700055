// elf_check.h: checks that a file is a whole ELF shared object for this host
// before anything dlopen()s it. glibc's loader maps a truncated library's
// segments past the end of the file and dies of SIGBUS when it touches them
// (a copy cut short by a full disk or an interrupted fetch does this), so
// OrtLibrary refuses such a file here with a Status instead.
//
// What is checked, from the ELF header and program headers only: the ELF
// magic, 64-bit little-endian, type ET_DYN, this host's machine (x86-64 or
// aarch64), the program and section header tables inside the file, and every
// PT_LOAD and PT_DYNAMIC segment's file bytes inside the file. A file
// damaged elsewhere (same size, bytes changed) passes; checking a pinned
// checksum (OrtLibraryOptions::expected_sha256) catches that.
//
// Thread-safe (reads the file, keeps no state).
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ELF_CHECK_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ELF_CHECK_H_

#include <string>

#include "absl/status/status.h"

namespace joule {

// OK when `path` is a regular file holding a whole ELF shared object for
// this host. NOT_FOUND when there is no such file; FAILED_PRECONDITION
// otherwise, the message naming the cause, e.g. "truncated: 4096 bytes, but
// its segment 2 ends at byte 45821440". The message does not repeat `path`.
absl::Status CheckSharedLibraryFile(const std::string& path);

}  // namespace joule

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ELF_CHECK_H_
