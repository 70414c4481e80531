/* run_report.h — the report table of `mmulab run` (run_report.c), printed on
 * stdout. */
#ifndef MMULAB_RUN_REPORT_H
#define MMULAB_RUN_REPORT_H

#include "mmulab/mmu.h"
#include "mmulab/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The MMU's statistics; what names the run; run (may be NULL) adds the
 * instruction counts and MPKI of a trace. */
void run_report_table(const mmu *m, const char *what, const sim_stats *run);
/* A finished trace run: the table, the image it started from (image_file,
 * NULL: none) and the OS layer's part. */
void run_report_trace(sim *s, const char *trace, const char *image_file);

#ifdef __cplusplus
}
#endif
#endif
