#include <gtest/gtest.h>
#include "domain/catalog.h"
