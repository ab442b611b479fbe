#include "domain/inventory_views.h"
