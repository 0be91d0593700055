// joulectl register NAME (--path P | --file F): registers an ONNX model,
// either a file on the daemon's host or a local file's bytes; prints the
// model as jouled analysed it.
#include <iostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cmd/flags.h"
#include "cmd/joulectl/common.h"
#include "cmd/joulectl/input_shapes.h"
#include "cmd/joulectl/joulectl.h"
#include "cmd/joulectl/print_models.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "models/onnx_analysis.h"

namespace joule::joulectl {

int Register(const Channel& ch, int argc, char** argv) {
  InputShapes shapes;
  if (absl::Status s = TakeInputShapes(&argc, argv, &shapes); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  Flags f;
  f.Add("path", "",
        "the model's file on the daemon's host, under its model_dir");
  f.Add("file", "", "a local ONNX file whose bytes are sent");
  f.AddBool("help", "print this help");
  if (absl::Status s = f.Parse(argc, argv, 2); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (f.Bool("help")) {
    std::cout << "Usage: joulectl register NAME (--path P | --file F) "
                 "[--input-shape NAME=D1,...]\n\n"
              << kInputShapeHelp << f.Help();
    return 0;
  }
  if (f.positional().size() != 1) {
    return Fail("register needs exactly one NAME");
  }
  if (f.IsSet("path") == f.IsSet("file")) {
    return Fail("register: give exactly one of --path or --file");
  }
  v1::RegisterModelRequest req;
  req.set_name(f.positional()[0]);
  if (f.IsSet("path")) {
    req.set_path(f.Get("path"));
  } else {
    absl::StatusOr<std::string> bytes = ReadOnnxFile(f.Get("file"));
    if (!bytes.ok()) return Fail(std::string(bytes.status().message()));
    req.set_onnx(*std::move(bytes));
  }
  for (const auto& [name, dims] : shapes) {
    v1::InputShape* in = req.add_input_shapes();
    in->set_name(name);
    for (int64_t d : dims) in->add_dims(d);
  }
  v1::ModelInfo info;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->RegisterModel(&ctx, req, &info);
  if (!s.ok()) return RpcFail(s);
  google::protobuf::RepeatedPtrField<v1::ModelInfo> one;
  *one.Add() = info;
  PrintModels(one);
  return 0;
}

}  // namespace joule::joulectl
