#include <gtest/gtest.h>
#include "domain/inventory_views.h"
