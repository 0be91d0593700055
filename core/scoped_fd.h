// ScopedFd: a file descriptor closed on every return path.
//
// Not thread-safe; a plain owner, like std::unique_ptr.
#ifndef JOULE_CORE_SCOPED_FD_H_
#define JOULE_CORE_SCOPED_FD_H_

#include <unistd.h>

namespace joule {

class ScopedFd {
 public:
  // Takes `fd` (negative: nothing to close, e.g. a failed open()).
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace joule

#endif  // JOULE_CORE_SCOPED_FD_H_
