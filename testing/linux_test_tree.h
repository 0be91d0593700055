// FakeTree: a throw-away directory standing in for a host's root ("/") in
// the Linux backends' tests: sys/... and proc/... files are written into it
// and the backend under test reads it as its root. Each tree is a fresh
// mkdtemp() directory under ::testing::TempDir(), so tests running in
// parallel processes never share one; it is removed on destruction.
//
// Test-only. Not thread-safe.
#ifndef JOULE_TESTING_LINUX_TEST_TREE_H_
#define JOULE_TESTING_LINUX_TEST_TREE_H_

#include <string>

namespace joule {

class FakeTree {
 public:
  FakeTree();
  ~FakeTree();  // removes the whole tree

  FakeTree(const FakeTree&) = delete;
  FakeTree& operator=(const FakeTree&) = delete;

  // The tree's root, to pass as a backend's `root`.
  const std::string& root() const { return root_; }
  // root() + "/" + relative.
  std::string Path(const std::string& relative) const;

  // Creates the file (and its parent directories) holding `content`,
  // replacing whatever was at that path.
  void Write(const std::string& relative, const std::string& content);
  void MakeDir(const std::string& relative);
  // A symlink at `relative` pointing to `target` (taken as is).
  void Symlink(const std::string& relative, const std::string& target);
  // Removes a file, link or whole directory; nothing if absent.
  void Remove(const std::string& relative);
  // Replaces the file at `relative` by an empty directory: every open for
  // writing then fails with EISDIR, also for root (chmod 000 would not stop
  // root, whose CAP_DAC_OVERRIDE ignores permissions).
  void ReplaceWithDirectory(const std::string& relative);
  // Replaces the file at `relative` by a symlink to /dev/full: it opens for
  // writing, but every write fails with ENOSPC, as a kernel attribute
  // rejecting a value fails the write (EINVAL), also for root.
  void ReplaceWithDevFull(const std::string& relative);

  // The file's content; "" if unreadable.
  std::string Read(const std::string& relative) const;
  // Its first whitespace-separated word ("1200000" of "1200000\n").
  std::string FirstWord(const std::string& relative) const;

 private:
  std::string root_;
};

}  // namespace joule

#endif  // JOULE_TESTING_LINUX_TEST_TREE_H_
