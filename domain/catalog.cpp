#include "domain/catalog.h"
