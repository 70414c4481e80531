/* cmd_run.h — `mmulab run` and `mmulab config` (cmd_run.c). */
#ifndef MMULAB_CMD_RUN_H
#define MMULAB_CMD_RUN_H

#include <stdbool.h>

#define EXIT_RUN_FAILED 1
#define EXIT_USAGE 2

int cmd_run(int argc, char **argv, bool config_only);

#endif
