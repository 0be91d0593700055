#include "testing/linux_test_tree.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "gtest/gtest.h"

namespace joule {

namespace fs = std::filesystem;

FakeTree::FakeTree() {
  std::string tmpl = ::testing::TempDir();
  if (tmpl.empty() || tmpl.back() != '/') tmpl.push_back('/');
  tmpl += "joule_fake_root_XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << tmpl << " failed";
  }
  root_ = buf.data();
}

FakeTree::~FakeTree() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

std::string FakeTree::Path(const std::string& relative) const {
  return root_ + "/" + relative;
}

void FakeTree::Write(const std::string& relative, const std::string& content) {
  const fs::path p = Path(relative);
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (fs::is_directory(fs::symlink_status(p))) fs::remove_all(p, ec);
  fs::remove(p, ec);  // a symlink or file: never write through a link
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) ADD_FAILURE() << "cannot write " << p;
}

void FakeTree::MakeDir(const std::string& relative) {
  std::error_code ec;
  fs::create_directories(Path(relative), ec);
  if (ec) ADD_FAILURE() << "mkdir " << Path(relative) << ": " << ec.message();
}

void FakeTree::Symlink(const std::string& relative, const std::string& target) {
  const fs::path p = Path(relative);
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  fs::remove(p, ec);
  fs::create_symlink(target, p, ec);
  if (ec) ADD_FAILURE() << "symlink " << p << ": " << ec.message();
}

void FakeTree::Remove(const std::string& relative) {
  std::error_code ec;
  fs::remove_all(Path(relative), ec);
}

void FakeTree::ReplaceWithDirectory(const std::string& relative) {
  Remove(relative);
  MakeDir(relative);
}

void FakeTree::ReplaceWithDevFull(const std::string& relative) {
  Symlink(relative, "/dev/full");
}

std::string FakeTree::Read(const std::string& relative) const {
  std::ifstream in(Path(relative), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FakeTree::FirstWord(const std::string& relative) const {
  std::istringstream in(Read(relative));
  std::string word;
  in >> word;
  return word;
}

}  // namespace joule
