#include "domain/sellable.h"
