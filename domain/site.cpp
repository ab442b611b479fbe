#include "domain/site.h"
