// Prints registered models as `joulectl models` and `joulectl register` show
// them: one row per model (ops, MACs, weights, activations, ops per byte,
// inputs), then per device its precision, bound and predicted times.
//
// Thread-safe as std::cout is: each call writes its lines in turn.
#ifndef JOULE_CMD_JOULECTL_PRINT_MODELS_H_
#define JOULE_CMD_JOULECTL_PRINT_MODELS_H_

#include "google/protobuf/repeated_ptr_field.h"
#include "joule/v1/scheduler.pb.h"

namespace joule::joulectl {

void PrintModels(
    const google::protobuf::RepeatedPtrField<v1::ModelInfo>& models);

}  // namespace joule::joulectl

#endif  // JOULE_CMD_JOULECTL_PRINT_MODELS_H_
