// joulectl: the command-line client of jouled. Takes the global --server
// flag, opens the channel and hands the rest of the command line to one
// subcommand (cmd/joulectl/joulectl.h), which makes one RPC and prints the
// answer as a table.
#include <iostream>
#include <string>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace {

namespace ctl = joule::joulectl;

constexpr char kUsage[] =
    "Usage: joulectl [--server ADDR] COMMAND [flags]\n\n"
    "Commands:\n"
    "  submit     run a job (a registered --model or an explicit --ops cost)\n"
    "  devices    list devices: kind, P-state, frequency, temperature, "
    "power, queue\n"
    "  get ID     show a job\n"
    "  cancel ID  cancel a job\n"
    "  policy     print the running policy\n"
    "  reload [FILE]  reload the policy (default: its current file)\n"
    "  analyze FILE   analyse an ONNX model here, no daemon: per-node ops and "
    "bytes\n"
    "  models     list registered models: ops, bytes, per-device predictions\n"
    "  register NAME (--path P | --file F)  register an ONNX model\n"
    "  unload NAME    unregister a model\n\n"
    "Run 'joulectl COMMAND --help' for a command's flags.\n";

struct Command {
  const char* name;
  int (*run)(const ctl::Channel& ch, int argc, char** argv);
};

constexpr Command kCommands[] = {
    {"analyze", ctl::Analyze},   {"models", ctl::Models},
    {"register", ctl::Register}, {"unload", ctl::Unload},
    {"submit", ctl::Submit},     {"devices", ctl::Devices},
    {"get", ctl::Get},           {"cancel", ctl::Cancel},
    {"policy", ctl::Policy},     {"reload", ctl::Reload},
};

// Takes the global flags, which come before the command: `--server ADDR` or
// `--server=ADDR`. Returns the index of the first argument after them.
int TakeGlobalFlags(int argc, char** argv, std::string* server) {
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--server" && i + 1 < argc) {
      *server = argv[++i];
    } else if (a.rfind("--server=", 0) == 0) {
      *server = a.substr(9);
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:50051";
  const int i = TakeGlobalFlags(argc, argv, &server);
  if (i >= argc || std::string(argv[i]) == "--help" ||
      std::string(argv[i]) == "help") {
    std::cout << kUsage;
    return i >= argc ? 2 : 0;
  }
  // Shift so argv[1] is the command.
  argv += i - 1;
  argc -= i - 1;
  const std::string cmd = argv[1];
  auto ch = grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  for (const Command& c : kCommands) {
    if (cmd == c.name) return c.run(ch, argc, argv);
  }
  std::cerr << kUsage;
  return ctl::Fail("unknown command '" + cmd + "'");
}
