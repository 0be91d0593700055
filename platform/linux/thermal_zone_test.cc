#include "platform/linux/thermal_zone.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Zone(int n, const std::string& file) {
  return absl::StrCat("sys/class/thermal/thermal_zone", n, "/", file);
}

// zone0: acpitz (board), zone1: x86_pkg_temp with two trips, zone2:
// cpu-thermal; cooling devices sit beside them and are ignored.
class ThermalZoneTest : public ::testing::Test {
 protected:
  ThermalZoneTest() {
    tree_.Write(Zone(0, "type"), "acpitz\n");
    tree_.Write(Zone(0, "temp"), "27800\n");
    tree_.Write(Zone(1, "type"), "x86_pkg_temp\n");
    tree_.Write(Zone(1, "temp"), "52000\n");
    tree_.Write(Zone(1, "trip_point_1_temp"), "100000\n");
    tree_.Write(Zone(1, "trip_point_1_type"), "critical\n");
    tree_.Write(Zone(1, "trip_point_0_temp"), "85000\n");
    tree_.Write(Zone(1, "trip_point_0_type"), "passive\n");
    tree_.Write(Zone(2, "type"), "cpu-thermal\n");
    tree_.Write(Zone(2, "temp"), "-5000\n");
    tree_.Write("sys/class/thermal/cooling_device0/type", "Processor\n");
  }
  FakeTree tree_;
};

TEST_F(ThermalZoneTest, ListsZonesWithTripPoints) {
  ThermalZoneList list = ListThermalZones(tree_.root());
  EXPECT_THAT(list.skipped, IsEmpty());
  ASSERT_EQ(list.zones.size(), 3u);
  EXPECT_EQ(list.zones[1].type, "x86_pkg_temp");
  ASSERT_EQ(list.zones[1].trips.size(), 2u);
  EXPECT_EQ(list.zones[1].trips[0].index, 0);
  EXPECT_EQ(list.zones[1].trips[0].temp_mc, 85000);
  EXPECT_EQ(list.zones[1].trips[0].type, "passive");
  EXPECT_EQ(list.zones[1].trips[1].type, "critical");
  EXPECT_THAT(list.zones[2].trips, IsEmpty());
}

TEST_F(ThermalZoneTest, OpensByTypeIndexOrAsTheCpuZone) {
  absl::StatusOr<ThermalZone> z =
      ThermalZone::OpenByType(tree_.root(), "x86_pkg_temp");
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(*z->ReadTempMc(), 52000);

  z = ThermalZone::OpenByIndex(tree_.root(), 2);
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(*z->ReadTempMc(), -5000);  // below 0 °C is a temperature too

  // cpu-thermal comes first in CpuThermalZoneTypes().
  z = ThermalZone::OpenCpu(tree_.root());
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(z->info().type, "cpu-thermal");
}

TEST_F(ThermalZoneTest, UnknownTypeListsWhatThereIs) {
  absl::StatusOr<ThermalZone> z =
      ThermalZone::OpenByType(tree_.root(), "soc-thermal");
  EXPECT_TRUE(absl::IsNotFound(z.status()));
  EXPECT_THAT(z.status().message(),
              HasSubstr("acpitz, x86_pkg_temp, cpu-thermal"));
  EXPECT_TRUE(
      absl::IsNotFound(ThermalZone::OpenByIndex(tree_.root(), 9).status()));
}

TEST_F(ThermalZoneTest, TemperatureReadsAreStrict) {
  absl::StatusOr<ThermalZone> z = ThermalZone::OpenByIndex(tree_.root(), 1);
  ASSERT_TRUE(z.ok());
  for (const char* bad : {"abc\n", "", "52.5\n"}) {
    tree_.Write(Zone(1, "temp"), bad);
    absl::StatusOr<int32_t> t = z->ReadTempMc();
    EXPECT_TRUE(absl::IsInvalidArgument(t.status())) << bad;
    EXPECT_THAT(t.status().message(), HasSubstr("thermal_zone1/temp"));
  }
  tree_.Write(Zone(1, "temp"), "2147483647\n");  // a driver's error value
  EXPECT_TRUE(absl::IsOutOfRange(z->ReadTempMc().status()));
  tree_.Remove(Zone(1, "temp"));
  EXPECT_TRUE(absl::IsNotFound(z->ReadTempMc().status()));
}

TEST_F(ThermalZoneTest, BrokenZonesAreSkippedWithTheReason) {
  tree_.Write(Zone(1, "trip_point_0_temp"), "hot\n");
  tree_.Remove(Zone(2, "type"));
  ThermalZoneList list = ListThermalZones(tree_.root());
  ASSERT_EQ(list.zones.size(), 1u);
  EXPECT_EQ(list.zones[0].type, "acpitz");
  ASSERT_EQ(list.skipped.size(), 2u);
  EXPECT_THAT(list.skipped[0], HasSubstr("trip_point_0_temp"));
  EXPECT_THAT(list.skipped[1], HasSubstr("thermal_zone2/type"));
}

TEST(ThermalZoneEmptyTest, NoThermalDirectoryIsNoZones) {
  FakeTree empty;
  ThermalZoneList list = ListThermalZones(empty.root());
  EXPECT_THAT(list.zones, IsEmpty());
  EXPECT_THAT(list.skipped, IsEmpty());
  EXPECT_TRUE(absl::IsNotFound(ThermalZone::OpenCpu(empty.root()).status()));
}

}  // namespace
}  // namespace joule
