// Tensor bytes across the API edge (docs/ARCHITECTURE.md, "Tensor bytes"):
// a Submit's inputs borrow the request's buffers under the caller's
// keep-alive, or are copied without one; a job's owned outputs move into the
// reply without a copy, on an arena too, and borrowed ones are copied once.
#include "api/proto_convert.h"

#include <memory>
#include <string>
#include <utility>

#include "google/protobuf/arena.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

// A request on an arena the holder owns, as the service's SubmitArenaHolder.
struct Holder {
  google::protobuf::Arena arena;
  v1::SubmitRequest* req =
      google::protobuf::Arena::CreateMessage<v1::SubmitRequest>(&arena);
};

class ProtoConvertTensorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JobCost cost;
    cost.ops_by_precision[static_cast<int>(Precision::kFp32)] = 1e6;
    ASSERT_TRUE(models_.Register("m", cost).ok());
  }
  static void FillRequest(v1::SubmitRequest* req) {
    req->set_model("m");
    v1::Tensor* x = req->add_inputs();
    x->set_name("x");
    x->set_dtype(v1::DATA_TYPE_FLOAT32);
    x->add_shape(1 << 16);
    x->set_data(std::string(4 << 16, 'x'));
  }
  ModelRegistry models_;
};

TEST_F(ProtoConvertTensorTest, InputsBorrowTheRequestsBytesUnderTheKeepAlive) {
  auto holder = std::make_shared<Holder>();
  FillRequest(holder->req);
  const char* request_bytes = holder->req->inputs(0).data().data();
  absl::StatusOr<JobSpec> spec = SpecFromProto(
      *holder->req, models_, TimePoint{}, std::nullopt, nullptr, holder);
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->inputs.size(), 1u);
  EXPECT_TRUE(spec->inputs[0].bytes.borrowed());
  EXPECT_EQ(spec->inputs[0].bytes.data(), request_bytes);
  // The call lets go of the request; the job's tensors still hold it.
  std::weak_ptr<Holder> watch = holder;
  holder.reset();
  ASSERT_FALSE(watch.expired());
  EXPECT_EQ(spec->inputs[0].bytes.view(), std::string(4 << 16, 'x'));
  spec->inputs.clear();
  EXPECT_TRUE(watch.expired());
}

TEST_F(ProtoConvertTensorTest, WithoutAKeepAliveInputsAreCopies) {
  v1::SubmitRequest req;
  FillRequest(&req);
  absl::StatusOr<JobSpec> spec =
      SpecFromProto(req, models_, TimePoint{}, std::nullopt);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_FALSE(spec->inputs[0].bytes.borrowed());
  EXPECT_NE(spec->inputs[0].bytes.data(), req.inputs(0).data().data());
  EXPECT_EQ(spec->inputs[0].bytes.view(), req.inputs(0).data());
}

TEST(JobInfoToProtoTest, OwnedOutputsMoveIntoTheReplyBorrowedOnesAreCopied) {
  std::string owned(1 << 20, 'o');
  const char* owned_bytes = owned.data();
  auto source = std::make_shared<std::string>(1 << 20, 'b');
  JobInfo info;
  info.id = 7;
  info.state = JobState::kCompleted;
  Tensor y;
  y.name = "y";
  y.dtype = DataType::kUint8;
  y.shape = {1 << 20};
  y.bytes = std::move(owned);
  Tensor z;
  z.name = "z";
  z.dtype = DataType::kUint8;
  z.shape = {1 << 20};
  z.bytes = TensorBytes::Borrow(*source, source);
  // push_back, not = {...}: an initializer list would copy them.
  info.outputs.push_back(std::move(y));
  info.outputs.push_back(std::move(z));

  google::protobuf::Arena arena;  // as the service's reply
  auto* out = google::protobuf::Arena::CreateMessage<v1::JobResult>(&arena);
  JobInfoToProto(std::move(info), out);
  ASSERT_EQ(out->outputs_size(), 2);
  EXPECT_EQ(out->outputs(0).name(), "y");
  EXPECT_EQ(out->outputs(0).data().data(), owned_bytes);  // moved
  EXPECT_EQ(out->outputs(0).data().size(), size_t{1} << 20);
  EXPECT_NE(out->outputs(1).data().data(), source->data());  // copied
  EXPECT_EQ(out->outputs(1).data(), *source);
  EXPECT_EQ(source.use_count(), 1);   // the borrow was let go
  EXPECT_TRUE(info.outputs.empty());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace joule
