#include <gtest/gtest.h>
#include "domain/configuration.h"
