#include <gtest/gtest.h>
#include "domain/sellable.h"
