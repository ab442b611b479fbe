#include <gtest/gtest.h>
#include "domain/order.h"
