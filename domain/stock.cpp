#include "domain/stock.h"
