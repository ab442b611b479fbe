#include <gtest/gtest.h>
#include "domain/stock.h"
