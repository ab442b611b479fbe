#include "domain/order.h"
