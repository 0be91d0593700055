// joulectl's subcommands, one per file in cmd/joulectl/, dispatched by
// main.cc. Each takes the channel to jouled and the command line shifted so
// argv[1] is the subcommand's name and its own flags start at argv[2]; each
// prints its answer to stdout and returns joulectl's exit code (0, or 1 with
// the error on stderr).
//
// Not thread-safe; each runs once, on main's thread.
#ifndef JOULE_CMD_JOULECTL_JOULECTL_H_
#define JOULE_CMD_JOULECTL_JOULECTL_H_

#include <memory>

#include "grpcpp/channel.h"

namespace joule::joulectl {

using Channel = std::shared_ptr<grpc::Channel>;

int Submit(const Channel& ch, int argc, char** argv);    // submit.cc
int Devices(const Channel& ch, int argc, char** argv);   // devices.cc
int Get(const Channel& ch, int argc, char** argv);       // get.cc
int Cancel(const Channel& ch, int argc, char** argv);    // cancel.cc
int Policy(const Channel& ch, int argc, char** argv);    // policy.cc
int Reload(const Channel& ch, int argc, char** argv);    // reload.cc
int Analyze(const Channel& ch, int argc, char** argv);   // analyze.cc, local
int Models(const Channel& ch, int argc, char** argv);    // models.cc
int Register(const Channel& ch, int argc, char** argv);  // register.cc
int Unload(const Channel& ch, int argc, char** argv);    // unload.cc

}  // namespace joule::joulectl

#endif  // JOULE_CMD_JOULECTL_JOULECTL_H_
