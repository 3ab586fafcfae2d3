#include "../check.h"

int check_failures_;
int check_tests_failed_;

extern const char *__progname;
const char *check_prog_(void) { return __progname; }
