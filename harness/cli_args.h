// cli_args.h — how the harness's programs (mmulab-cosim, mmulab-systemc-run)
// read a number from the command line, so both take the same inputs.
#ifndef MMULAB_HARNESS_CLI_ARGS_H
#define MMULAB_HARNESS_CLI_ARGS_H

#include <cerrno>
#include <cstdint>
#include <cstdlib>

// A non-negative integer (decimal, 0x hex, 0 octal) with nothing after it
// that fits in 64 bits; false for anything else, so a sign or an overflow
// is refused rather than wrapped or clamped.
inline bool harness_parse_u64(const char *s, uint64_t *out)
{
    char *end = nullptr;
    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || errno)
        return false;
    *out = v;
    return true;
}

#endif
