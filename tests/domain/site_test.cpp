#include <gtest/gtest.h>
#include "domain/site.h"
