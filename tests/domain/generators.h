// rapidcheck helpers shared by the deciders' property tests.
#pragma once

#include <rapidcheck.h>

namespace ordo::domain::testing {

/// A value uniform over [min, end), whatever rapidcheck's current size; shrinks towards min.
/// rc::gen::inRange alone scales its range with the size, which keeps the first runs of a
/// property to the first kinds of command and the smallest quantities.
template <class T>
T uniform(T min, T end) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(min, end));
}

}  // namespace ordo::domain::testing
