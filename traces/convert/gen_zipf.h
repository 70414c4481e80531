/*
 * gen_zipf.h — ranks 1..n drawn with probability proportional to
 * rank^-alpha, in constant time and memory per draw for any n and any
 * alpha >= 0 (rejection-inversion, Hörmann and Derflinger 1996).
 */
#ifndef MMULAB_GEN_ZIPF_H
#define MMULAB_GEN_ZIPF_H

#include "gen_rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t n;
    double alpha;
    double h_integral_x1;   /* H(1.5) - h(1) */
    double h_integral_n;    /* H(n + 0.5) */
    double squeeze;         /* 2 - H^-1(H(2.5) - h(2)) */
} gen_zipf;

void gen_zipf_init(gen_zipf *z, uint64_t n, double alpha);
/* A rank in [1, n]. */
uint64_t gen_zipf_draw(const gen_zipf *z, gen_rng *r);

#ifdef __cplusplus
}
#endif
#endif
