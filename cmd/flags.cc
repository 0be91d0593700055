#include "cmd/flags.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace joule {

void Flags::Add(const std::string& name, std::string default_value,
                std::string help) {
  flags_[name] = Flag{std::move(default_value), std::move(help), false, false};
  order_.push_back(name);
}

void Flags::AddBool(const std::string& name, std::string help) {
  flags_[name] = Flag{"", std::move(help), true, false};
  order_.push_back(name);
}

absl::Status Flags::Parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    Flag& f = it->second;
    if (f.is_bool) {
      if (has_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value"));
      }
    } else if (!has_value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value"));
      }
      value = argv[++i];
    }
    f.value = value;
    f.set = true;
  }
  return absl::OkStatus();
}

const std::string& Flags::Get(const std::string& name) const {
  return flags_.at(name).value;
}

bool Flags::IsSet(const std::string& name) const { return flags_.at(name).set; }

std::string Flags::Help() const {
  size_t width = 0;
  for (const std::string& n : order_) {
    width = std::max(width, n.size() + (flags_.at(n).is_bool ? 0 : 6));
  }
  std::string out;
  for (const std::string& n : order_) {
    const Flag& f = flags_.at(n);
    std::string left = f.is_bool ? n : n + " VALUE";
    absl::StrAppend(&out, "  --", left,
                    std::string(width - left.size() + 3, ' '), f.help);
    if (!f.is_bool && !f.value.empty()) {
      absl::StrAppend(&out, " (default: ", f.value, ")");
    }
    out += "\n";
  }
  return out;
}

}  // namespace joule
