#include "domain/configuration.h"
