#include "sim/engine.h"

#include <utility>

namespace joule {
namespace {

// One periodic ticker; re-arms itself at the next exact multiple.
struct Ticker {
  EventEngine* engine;
  Duration first;
  Duration period;
  std::function<bool()> tick;
  int64_t n = 0;

  static void Arm(std::shared_ptr<Ticker> t) {
    const Duration when = t->first + t->period * t->n;
    t->engine->At(when, [t] {
      if (!t->tick()) return;
      ++t->n;
      Arm(t);
    });
  }
};

}  // namespace

void EventEngine::Every(Duration first, Duration period,
                        std::function<bool()> tick) {
  auto t =
      std::make_shared<Ticker>(Ticker{this, first, period, std::move(tick)});
  Ticker::Arm(std::move(t));
}

bool EventEngine::RunUntilTrue(const std::function<bool()>& stop) {
  while (!stop()) {
    if (!clock_.RunNext()) return stop();
  }
  return true;
}

}  // namespace joule
