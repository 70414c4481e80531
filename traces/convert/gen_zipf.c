/*
 * gen_zipf.c — rejection-inversion sampling of a zipf distribution. With
 * h(x) = x^-alpha and H its integral, a point drawn uniformly under H
 * between 1.5 and n + 0.5 is inverted and rounded to a rank; the rare
 * draws that land where the integral overestimates the true mass are
 * rejected, so the ranks follow the discrete law exactly.
 */
#include <math.h>

#include "gen_zipf.h"

/* log1p(t) / t, continuous at 0 */
static double log1p_over(double t)
{
    if (fabs(t) > 1e-8)
        return log1p(t) / t;
    return 1.0 - t * (0.5 - t * (1.0 / 3.0 - t * 0.25));
}

/* expm1(t) / t, continuous at 0 */
static double expm1_over(double t)
{
    if (fabs(t) > 1e-8)
        return expm1(t) / t;
    return 1.0 + t * 0.5 * (1.0 + t / 3.0 * (1.0 + t * 0.25));
}

static double h(const gen_zipf *z, double x)
{
    return exp(-z->alpha * log(x));
}

/* H(x) = (x^(1-alpha) - 1) / (1 - alpha), or log(x) when alpha = 1 */
static double h_integral(const gen_zipf *z, double x)
{
    double lx = log(x);
    return expm1_over((1.0 - z->alpha) * lx) * lx;
}

static double h_integral_inverse(const gen_zipf *z, double y)
{
    double t = y * (1.0 - z->alpha);
    if (t < -1.0)
        t = -1.0; /* rounding past the domain's edge */
    return exp(log1p_over(t) * y);
}

void gen_zipf_init(gen_zipf *z, uint64_t n, double alpha)
{
    z->n = n;
    z->alpha = alpha;
    z->h_integral_x1 = h_integral(z, 1.5) - 1.0;
    z->h_integral_n = h_integral(z, (double)n + 0.5);
    z->squeeze = 2.0 - h_integral_inverse(z, h_integral(z, 2.5) - h(z, 2.0));
}

uint64_t gen_zipf_draw(const gen_zipf *z, gen_rng *r)
{
    for (;;) {
        double u = z->h_integral_n + gen_rng_unit(r) * (z->h_integral_x1 - z->h_integral_n);
        double x = h_integral_inverse(z, u);
        double k = floor(x + 0.5);
        if (k < 1.0)
            k = 1.0;
        else if (k > (double)z->n)
            k = (double)z->n;
        if (k - x <= z->squeeze || u >= h_integral(z, k + 0.5) - h(z, k))
            return (uint64_t)k;
    }
}
