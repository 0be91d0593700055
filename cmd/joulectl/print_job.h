// Prints a job's result as `joulectl submit` and `joulectl get` show it: its
// state, the placement with predicted and measured figures, the first values
// of each output tensor, and the placement's explanation table.
//
// Thread-safe as std::cout is: each call writes its lines in turn.
#ifndef JOULE_CMD_JOULECTL_PRINT_JOB_H_
#define JOULE_CMD_JOULECTL_PRINT_JOB_H_

#include "joule/v1/scheduler.pb.h"

namespace joule::joulectl {

void PrintJobResult(const v1::JobResult& r);

}  // namespace joule::joulectl

#endif  // JOULE_CMD_JOULECTL_PRINT_JOB_H_
