/*
 * pwc_peek.h — what test_rtl_pwc reads and does inside a C page-table
 * cache to keep the RTL's stale entries beside it (the C++ harness cannot
 * include pwc_internal.h, whose struct member `repl *repl` is not C++).
 */
#ifndef MMULAB_TEST_PWC_PEEK_H
#define MMULAB_TEST_PWC_PEEK_H

#include "mmulab/pwc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Ways of the page-table cache's one array (sets * ways), 0 for other designs. */
uint32_t pwc_peek_pte_slots(const pwc *c);
uint32_t pwc_peek_pte_ways(const pwc *c);
/* The set of pte_pa (pwc_pte_lookup's index). */
uint32_t pwc_peek_pte_set(const pwc *c, uint64_t pte_pa);
/* Whether slot set * ways + way is valid, with its tag and value. */
bool pwc_peek_pte_slot(const pwc *c, uint32_t slot, uint64_t *tag, uint64_t *value);
/* A probe of level `level` answered by way `way` of `set` outside the C
 * model's entries: count the lookup and hit and touch the way. */
void pwc_peek_pte_outside_hit(pwc *c, uint32_t set, uint32_t way, unsigned level);

#ifdef __cplusplus
}
#endif
#endif
