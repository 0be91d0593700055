#include "sim/trace_csv.h"

#include <cstdio>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

std::vector<ModelSpec> Models() {
  ModelSpec a, b;
  a.name = "cam";
  b.name = "nlp";
  return {a, b};
}

std::string ErrorOf(const std::string& csv) {
  absl::StatusOr<std::vector<Arrival>> t = TraceFromCsv(csv, "t.csv", Models());
  EXPECT_FALSE(t.ok());
  return std::string(t.status().message());
}

TEST(TraceCsvTest, RoundTripsBitForBit) {
  std::vector<Arrival> in(3);
  in[0].time = Duration(0);
  in[0].model = 0;
  in[0].priority_class = PriorityClass::kRealtime;
  in[0].deadline_ms = 1000.0 / 30.0;
  in[1].time = Duration(12000000345);
  in[1].model = 1;
  in[1].priority_class = PriorityClass::kBatch;
  in[1].batch = 4;
  in[2].time = Duration(12000000346);
  in[2].deadline_ms = 0.1;
  const std::string csv = TraceToCsv(in, Models());
  EXPECT_EQ(csv,
            "time_s,model,class,deadline_ms,batch\n"
            "0.000000000,cam,realtime,33.333333333333336,1\n"
            "12.000000345,nlp,batch,0,4\n"
            "12.000000346,cam,interactive,0.1,1\n");
  absl::StatusOr<std::vector<Arrival>> out = TraceFromCsv(csv, "t", Models());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*out)[i].time, in[i].time);
    EXPECT_EQ((*out)[i].model, in[i].model);
    EXPECT_EQ((*out)[i].priority_class, in[i].priority_class);
    EXPECT_EQ((*out)[i].deadline_ms, in[i].deadline_ms);  // exact
    EXPECT_EQ((*out)[i].batch, in[i].batch);
  }
  EXPECT_EQ(TraceToCsv(*out, Models()), csv);
}

TEST(TraceCsvTest, TimesParseExactlyOrFromDecimals) {
  Duration d;
  ASSERT_TRUE(ParseTimeS("1.5", &d));
  EXPECT_EQ(d, Duration(1500000000));
  ASSERT_TRUE(ParseTimeS("7", &d));
  EXPECT_EQ(d, Duration(7000000000));
  ASSERT_TRUE(ParseTimeS("0.000000001", &d));
  EXPECT_EQ(d, Duration(1));
  ASSERT_TRUE(ParseTimeS("2.5e-3", &d));  // not the exact form: via double
  EXPECT_EQ(d, Duration(2500000));
  EXPECT_FALSE(ParseTimeS("-1", &d));
  EXPECT_FALSE(ParseTimeS("abc", &d));
  EXPECT_EQ(FormatTimeS(Duration(3000000001)), "3.000000001");
}

// FormatTimeS writes its digits by hand; printf's "%lld.%09lld" of the
// seconds and nanoseconds is the reference.
TEST(TraceCsvTest, FormatTimeSMatchesPrintf) {
  for (long long ns :
       {0LL, 1LL, 999999999LL, 1000000000LL, 59999999999LL, 600000000000LL,
        123456789012345678LL, -1LL, -1500000000LL}) {
    char want[64];
    std::snprintf(want, sizeof(want), "%lld.%09lld", ns / 1000000000LL,
                  ns % 1000000000LL);
    EXPECT_EQ(FormatTimeS(Duration(ns)), want) << ns;
  }
}

TEST(TraceCsvTest, CommentsBlankLinesCrlfAndUnsortedRows) {
  absl::StatusOr<std::vector<Arrival>> t = TraceFromCsv(
      "# saved by hand\n\ntime_s,model,class,deadline_ms,batch\r\n"
      "2,nlp,batch,0,1\r\n1,cam,realtime,33,1\n1,nlp,batch,0,2\n",
      "t", Models());
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].model, 0);  // sorted by time, ties kept in file order
  EXPECT_EQ((*t)[1].batch, 2u);
  EXPECT_EQ((*t)[2].time, std::chrono::seconds(2));
}

TEST(TraceCsvTest, ErrorsNameTheLine) {
  const std::string h = "time_s,model,class,deadline_ms,batch\n";
  EXPECT_EQ(ErrorOf("t,m\n"),
            "t.csv:1: expected the header 'time_s,model,class,deadline_ms,"
            "batch', got 't,m'");
  EXPECT_EQ(ErrorOf(h + "1,cam,realtime,3\n"),
            "t.csv:2: expected 5 fields, got 4");
  EXPECT_EQ(ErrorOf(h + "x,cam,realtime,3,1\n"),
            "t.csv:2: time_s: not a time in seconds: 'x'");
  EXPECT_EQ(ErrorOf(h + "1,cam,realtime,3,1\n1,ocr,batch,0,1\n"),
            "t.csv:3: model: 'ocr' is not a model of the scenario");
  EXPECT_EQ(ErrorOf(h + "1,cam,urgent,3,1\n"),
            "t.csv:2: class: 'urgent' is not realtime, interactive or batch");
  EXPECT_EQ(ErrorOf(h + "1,cam,batch,-3,1\n"),
            "t.csv:2: deadline_ms: expected a number >= 0, got '-3'");
  EXPECT_EQ(ErrorOf(h + "1,cam,batch,3,0\n"),
            "t.csv:2: batch: expected an integer >= 1, got '0'");
  EXPECT_EQ(ErrorOf(""), "t.csv:1: empty trace: no header");
}

TEST(TraceCsvTest, FilesRoundTrip) {
  const std::string path = testing::TempDir() + "trace_csv_test.csv";
  std::vector<Arrival> in(1);
  in[0].time = std::chrono::milliseconds(5);
  ASSERT_TRUE(WriteTraceFile(path, in, Models()).ok());
  absl::StatusOr<std::vector<Arrival>> out = ReadTraceFile(path, Models());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].time, in[0].time);
  EXPECT_FALSE(ReadTraceFile("/nonexistent/t.csv", Models()).ok());
}

}  // namespace
}  // namespace joule
