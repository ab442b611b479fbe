#include <gtest/gtest.h>
#include "eventstore/event_store.h"
TEST(Placeholder, Builds) { SUCCEED(); }
