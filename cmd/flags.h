// Flags: the small command-line parser both mains share. `--name VALUE`,
// `--name=VALUE` and boolean `--name`; everything else is positional.
//
// Not thread-safe; used once at start-up.
#ifndef JOULE_CMD_FLAGS_H_
#define JOULE_CMD_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace joule {

class Flags {
 public:
  // A flag taking a value, with its default and help text.
  void Add(const std::string& name, std::string default_value,
           std::string help);
  // A flag that is present or not.
  void AddBool(const std::string& name, std::string help);

  // INVALID_ARGUMENT naming the flag for unknown flags or missing values.
  absl::Status Parse(int argc, char** argv, int first = 1);

  const std::string& Get(const std::string& name) const;
  bool IsSet(const std::string& name) const;  // given on the command line
  bool Bool(const std::string& name) const { return IsSet(name); }
  const std::vector<std::string>& positional() const { return positional_; }
  // One line per flag: "  --name VALUE   help (default: x)".
  std::string Help() const;

 private:
  struct Flag {
    std::string value;
    std::string help;
    bool is_bool = false;
    bool set = false;
  };
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;
  std::vector<std::string> positional_;
};

}  // namespace joule

#endif  // JOULE_CMD_FLAGS_H_
